import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { erasePersonData } from "../../src/people/erasure.js";
import { recomputeTallies } from "../../src/features/indicators/tallies.js";
import { runTallyJob } from "../../src/jobs/indicators.js";
import { createLogger } from "../../src/logger.js";
import { createTestDb } from "../support/db.js";
import { buildIndicatorFixture } from "../support/indicators.js";

const ZONE = "Europe/Berlin";
const DAY = 86_400_000;
/** Every table the tallies are computed from; each needs its three change triggers. */
const TALLIED_TABLES = [
  "Course",
  "CourseSession",
  "Enrollment",
  "Attendance",
  "Event",
  "Rsvp",
  "EventWalkIn",
  "SponsorshipRequest",
  "Sponsorship",
];

let db: Db;
let now = new Date("2026-11-25T10:00:00Z");

beforeAll(async () => {
  db = createTestDb().db;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await buildIndicatorFixture(db);
});
afterAll(async () => {
  await db.$disconnect();
});

async function storedTallies() {
  return db.indicatorTally.findMany({
    select: {
      indicator: true,
      periodKind: true,
      periodStart: true,
      scopeKey: true,
      numerator: true,
      denominator: true,
    },
    orderBy: [{ indicator: "asc" }, { periodKind: "asc" }, { periodStart: "asc" }, { scopeKey: "asc" }],
  });
}

/** A small deterministic generator, so a failing sequence of changes can be replayed. */
function randomSource(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return { below: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof randomSource>;

async function pick<T extends { id: number }>(random: Random, rows: Promise<T[]>): Promise<T | undefined> {
  const all = await rows;
  return all[random.below(all.length)];
}

/** The kinds of change the bot, imports, instructors and erasures make to tallied data, past months included. */
const CHANGES: ((random: Random) => Promise<unknown>)[] = [
  async (random) => {
    const mark = await pick(random, db.attendance.findMany());
    if (mark)
      await db.attendance.update({
        where: { id: mark.id },
        data: { status: mark.status === "present" ? "absent" : "present" },
      });
  },
  async (random) => {
    const mark = await pick(random, db.attendance.findMany());
    if (mark) await db.attendance.delete({ where: { id: mark.id } });
  },
  async (random) => {
    const session = await pick(random, db.courseSession.findMany());
    if (session)
      await db.courseSession.update({
        where: { id: session.id },
        data: { cancelledAt: session.cancelledAt ? null : now },
      });
  },
  async (random) => {
    const session = await pick(random, db.courseSession.findMany());
    const days = (random.below(2) === 0 ? -1 : 1) * (20 + random.below(30));
    if (session)
      await db.courseSession.update({
        where: { id: session.id },
        data: { startsAt: new Date(session.startsAt.getTime() + days * DAY) },
      });
  },
  async (random) => {
    const enrollment = await pick(random, db.enrollment.findMany());
    const status = (["completed", "dropped", "active"] as const)[random.below(3)];
    const outcome = (["apprenticeship", "employment", null] as const)[random.below(3)];
    if (enrollment)
      await db.enrollment.update({
        where: { id: enrollment.id },
        data: { status, outcomeAtLeaving: outcome, outcomeAfter6m: outcome },
      });
  },
  async (random) => {
    const course = await pick(random, db.course.findMany());
    if (course)
      await db.course.update({
        where: { id: course.id },
        data: { endsOn: new Date(course.endsOn.getTime() + (random.below(60) - 30) * DAY) },
      });
  },
  async (random) => {
    const rsvp = await pick(random, db.rsvp.findMany());
    if (rsvp)
      await db.rsvp.update({
        where: { id: rsvp.id },
        data: { checkedInAt: rsvp.checkedInAt ? null : now, partySize: 1 + random.below(3) },
      });
  },
  async (random) => {
    const walkIn = await pick(random, db.eventWalkIn.findMany());
    if (walkIn)
      await db.eventWalkIn.update({ where: { id: walkIn.id }, data: { count: walkIn.count + 1 + random.below(4) } });
  },
  async (random) => {
    const event = await pick(random, db.event.findMany());
    if (event)
      await db.event.update({ where: { id: event.id }, data: { cancelledAt: event.cancelledAt ? null : now } });
  },
  async (random) => {
    const request = await pick(random, db.sponsorshipRequest.findMany());
    if (request)
      await db.sponsorshipRequest.update({
        where: { id: request.id },
        data: {
          matchedAt: request.matchedAt ? null : new Date(request.createdAt.getTime() + (1 + random.below(40)) * DAY),
        },
      });
  },
  async (random) => {
    const sponsorship = await pick(random, db.sponsorship.findMany());
    if (sponsorship)
      await db.sponsorship.update({
        where: { id: sponsorship.id },
        data: { endedAt: sponsorship.endedAt ? null : new Date(now.getTime() - random.below(90) * DAY) },
      });
  },
  async (random) => {
    const person = await pick(random, db.person.findMany({ where: { erasedAt: null, enrollments: { some: {} } } }));
    if (person) await erasePersonData(db, person.id, now);
  },
  async (random) => {
    // A person row deleted outright: its enrollments, marks and sign-ups go by cascade.
    const person = await pick(random, db.person.findMany({ where: { rsvps: { some: {} } } }));
    if (person) await db.person.delete({ where: { id: person.id } });
  },
];

describe("change markers", () => {
  it("are written by insert, update and delete triggers on every tallied table", async () => {
    const triggers = await db.$queryRaw<
      { tbl_name: string; name: string }[]
    >`SELECT "tbl_name", "name" FROM sqlite_master WHERE "type" = 'trigger'`;
    for (const table of TALLIED_TABLES) {
      const names = triggers.filter((trigger) => trigger.tbl_name === table).map((trigger) => trigger.name);
      expect(names.sort(), table).toEqual([
        `TallyDirty_${table}_delete`,
        `TallyDirty_${table}_insert`,
        `TallyDirty_${table}_update`,
      ]);
    }
  });
});

describe("incremental recompute", () => {
  it("starts with everything after the migration, then recomputes only what changed and what is still running", async () => {
    const first = await recomputeTallies(db, now, ZONE);
    const full = await recomputeTallies(db, now, ZONE, { full: true });
    expect(first.periods).toBe(full.periods);
    expect(full).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });

    // One session's marks corrected in October: October and Q4, which also holds the running November.
    const mark = await db.attendance.findFirstOrThrow({
      where: { status: "absent", session: { startsAt: { lt: new Date("2026-10-31T23:00:00Z") } } },
    });
    await db.attendance.update({ where: { id: mark.id }, data: { status: "present" } });
    now = new Date(now.getTime() + 60_000);
    const incremental = await recomputeTallies(db, now, ZONE);
    expect(incremental.periods).toBe(3); // October, November, Q4
    expect(incremental.updated).toBeGreaterThan(0);
    expect(await recomputeTallies(db, now, ZONE, { full: true })).toMatchObject({
      inserted: 0,
      updated: 0,
      deleted: 0,
    });
  });

  it("gives the same table as a full recompute after random changes, past months, erasures and month ends included", async () => {
    const random = randomSource(17);
    for (let round = 0; round < 14; round += 1) {
      for (let step = 0; step < 1 + random.below(3); step += 1) await CHANGES[random.below(CHANGES.length)]?.(random);
      // Time goes on, now and then into the next month (and, at the end, the next year and quarter).
      now = new Date(now.getTime() + random.below(5) * DAY + 3_600_000);
      await recomputeTallies(db, now, ZONE);
      const incremental = await storedTallies();
      const full = await recomputeTallies(db, now, ZONE, { full: true });
      expect(full, `round ${round}`).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
      expect(await storedTallies()).toEqual(incremental);
    }
    expect(now.getTime()).toBeGreaterThan(new Date("2026-12-01T00:00:00Z").getTime());
  });

  it("keeps a change made while a recompute reads for the next run", async () => {
    const mark = await db.attendance.findFirstOrThrow();
    const running = recomputeTallies(db, now, ZONE, { full: true });
    await db.attendance.update({
      where: { id: mark.id },
      data: { status: mark.status === "present" ? "absent" : "present" },
    });
    await running;
    await recomputeTallies(db, now, ZONE);
    const incremental = await storedTallies();
    expect(await recomputeTallies(db, now, ZONE, { full: true })).toMatchObject({
      inserted: 0,
      updated: 0,
      deleted: 0,
    });
    expect(await storedTallies()).toEqual(incremental);
  });
});

describe("requests at the same time", () => {
  it("run once: the second joins the first and gets its result and progress", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger("info", (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const deps = { db, clock: () => now, timeZone: ZONE, logger };
    const progress: number[] = [];
    const first = runTallyJob(deps, { full: true });
    const second = runTallyJob(deps, { onProgress: (done) => progress.push(done) });
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(lines.filter((line) => line.message === "indicator tallies recomputed")).toHaveLength(1);
    expect(progress.length).toBeGreaterThan(1);
    // Once it is over, the next request runs anew.
    await runTallyJob(deps);
    expect(lines.filter((line) => line.message === "indicator tallies recomputed")).toHaveLength(2);
  });
});
