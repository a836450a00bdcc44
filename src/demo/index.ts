import type { Db } from "../db.js";
import { recomputeTallies } from "../features/indicators/tallies.js";
import { BERLIN, DemoCalendar } from "./calendar.js";
import { importDemoCourses } from "./courses.js";
import { importDemoEvents } from "./events.js";
import { readDemoFiles, type DemoFiles } from "./files.js";
import { createPeople } from "./people.js";
import { createSponsorshipHistory, recordOffences } from "./sponsorships.js";

/**
 * Demo data of the municipality, from the files in prisma/demo/: people, courses of the
 * Integrationswerkstatt, events of the next weeks and sponsors, all placed relative to `now` so
 * the demo always looks current. Courses and events go through the same import as the office's
 * own files. The demo also has a past, so /indicators has something to show: residents who took
 * courses (two of them already over) with their attendance, came to events and asked for
 * sponsors, and police figures of two quarters. The same `now` gives the same demo.
 *
 * Nothing happens when the database already has a course.
 */
export async function seedDemoData(
  db: Db,
  now: Date,
  files: DemoFiles = readDemoFiles(),
): Promise<{ created: boolean }> {
  const calendar = new DemoCalendar(now, files.calendar);
  const result = await db.$transaction(
    async (tx) => {
      if ((await tx.course.count()) > 0) return { created: false };
      const demo = await createPeople(tx, files, calendar);
      await importDemoCourses(tx, files, demo);
      await importDemoEvents(tx, files, demo);
      await createSponsorshipHistory(tx, files, demo);
      await recordOffences(tx, files, demo);
      return { created: true };
    },
    { timeout: 30_000 },
  );
  // /indicators shows stored figures; without this the demo's past would appear only after the nightly job.
  if (result.created) await recomputeTallies(db, now, BERLIN);
  return result;
}
