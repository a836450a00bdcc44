import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFilePath } from "../../src/db-url.js";
import { onboard, startTestBot, type RunningTestBot } from "../support/app.js";
import { createTestDb, type TestDatabase } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";

let fake: FakeTelegram;
let database: TestDatabase;
let running: RunningTestBot;

beforeAll(async () => {
  fake = await FakeTelegram.start();
  database = createTestDb();
  running = startTestBot(fake, database.db);
});
afterAll(async () => {
  await running.stop();
  await database.db.$disconnect();
  await fake.stop();
});

/** The raw bytes SQLite keeps on disk: the database file and its write-ahead log. */
function bytesOnDisk(): Buffer {
  const path = sqliteFilePath(database.url) ?? "";
  return Buffer.concat([path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
}

describe("SQLite on disk", () => {
  it("runs in WAL mode with secure_delete", async () => {
    const [mode] = await database.db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    const [secure] = await database.db.$queryRawUnsafe<{ secure_delete: bigint }[]>("PRAGMA secure_delete");
    expect(mode?.journal_mode).toBe("wal");
    expect(Number(secure?.secure_delete)).toBe(1);
  });

  it("keeps no byte of an erased person's name, username or phone in the file or the WAL", async () => {
    const user = fake.user({
      id: 7301,
      firstName: "Zebulon",
      lastName: "Quirrelmeyer",
      username: "zebulon_qm",
      languageCode: "de",
    });
    await onboard(user);
    const person = await database.db.person.findUniqueOrThrow({ where: { telegramId: 7301n } });
    const course = await database.db.course.create({
      data: {
        titleDe: "Deutsch A1",
        titleRu: "Немецкий A1",
        descriptionDe: "Kurs",
        descriptionRu: "Курс",
        category: "language",
        capacity: 10,
        startsOn: new Date("2026-11-02T08:00:00Z"),
        endsOn: new Date("2027-02-01T11:00:00Z"),
        place: "Integrationswerkstatt",
      },
    });
    await database.db.enrollment.create({
      data: {
        courseId: course.id,
        personId: person.id,
        status: "active",
        fullName: "Zebulon Quirrelmeyer",
        phone: "+49 5406 777123",
        germanLevel: "A1",
      },
    });
    await database.db.person.update({ where: { id: person.id }, data: { phone: "+49 5406 777123" } });
    const traces = ["Zebulon", "Quirrelmeyer", "zebulon_qm", "+49 5406 777123"];
    // The data really reached the disk before, so its absence afterwards means something.
    await database.db.$queryRawUnsafe("PRAGMA wal_checkpoint(PASSIVE)");
    for (const trace of traces) expect(bytesOnDisk().includes(trace), trace).toBe(true);

    user.send("/deleteme");
    await user.nextReply();
    user.tap("Ja, alles löschen");
    expect((await user.nextReply()).text).toContain("gelöscht");

    const bytes = bytesOnDisk();
    for (const trace of traces) expect(bytes.includes(trace), `"${trace}" is still on disk`).toBe(false);
  });
});
