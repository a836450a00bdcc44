import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import type { FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const MANAGER_ID = 8301;
const COLLEAGUE_ID = 8303;
const NOW = new Date("2026-11-25T10:00:00Z");
const PEOPLE = 700;
const SESSIONS = 400;

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
let manager: TelegramUser;
let resident: TelegramUser;
let colleague: TelegramUser;

/**
 * A course with PEOPLE participants marked at SESSIONS sessions, two a week from January 2025:
 * 280,000 attendance rows, enough for a recompute to take a while. Written with plain SQL, in the
 * format Prisma writes DateTimes in.
 */
async function manyMarks(): Promise<void> {
  const course = await db.course.create({
    data: {
      titleDe: "Deutsch B1 Intensiv",
      titleRu: "Немецкий B1 интенсив",
      descriptionDe: "Kurs",
      descriptionRu: "Курс",
      category: "language",
      capacity: PEOPLE,
      startsOn: new Date("2025-01-06T07:00:00Z"),
      endsOn: new Date("2026-09-30T10:00:00Z"),
      place: "Rathaus",
    },
  });
  const stamp = (days: string) =>
    `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2025-01-06 08:00:00', (${days}) || ' days')`;
  const numbers = (count: number) =>
    `WITH RECURSIVE n("i") AS (SELECT 1 UNION ALL SELECT "i" + 1 FROM n WHERE "i" < ${count})`;
  const created = "'2025-01-01T00:00:00.000+00:00'";
  await db.$executeRawUnsafe(
    `${numbers(PEOPLE)} INSERT INTO "Person" ("language", "createdAt", "updatedAt") SELECT 'de', ${created}, ${created} FROM n`,
  );
  await db.$executeRawUnsafe(
    `${numbers(SESSIONS)} INSERT INTO "CourseSession" ("courseId", "startsAt", "endsAt") SELECT ${course.id}, ${stamp(`("i" / 2) * 7 + ("i" % 2) * 3`)}, ${stamp(`("i" / 2) * 7 + ("i" % 2) * 3`)} FROM n`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Enrollment" ("courseId", "personId", "status", "createdAt", "updatedAt")
     SELECT ${course.id}, "id", 'active', ${created}, ${created} FROM "Person" WHERE "telegramId" IS NULL`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Attendance" ("sessionId", "enrollmentId", "status", "markedAt")
     SELECT s."id", e."id", CASE WHEN (s."id" + e."id") % 7 = 0 THEN 'absent' ELSE 'present' END, s."startsAt"
     FROM "CourseSession" s JOIN "Enrollment" e ON e."courseId" = s."courseId" WHERE s."courseId" = ${course.id}`,
  );
}

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({
    clock: () => NOW,
    adminTelegramIds: [MANAGER_ID, COLLEAGUE_ID],
  }));
  // The bot's file in WAL mode, so that the bot writes while the recompute reads.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await manyMarks();
  manager = fake.user({ id: MANAGER_ID, firstName: "Sabine", lastName: "Krüger", languageCode: "de" });
  resident = fake.user({ id: 8302, firstName: "Olga", languageCode: "ru" });
  await onboard(manager);
  await onboard(resident);
  colleague = fake.user({ id: COLLEAGUE_ID, firstName: "Jens", languageCode: "de" });
  await onboard(colleague);
}, 120_000);
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

describe("🔄 recomputing the figures", () => {
  it("shows the manager progress and then the result, while everyone else is answered as usual", async () => {
    expect(await db.attendance.count()).toBe(PEOPLE * SESSIONS);
    manager.send("/indicators");
    await manager.nextReply();
    manager.tap("🔄 Jetzt neu berechnen");
    const status = await manager.nextReply();
    expect(status.text).toBe("Die Kennzahlen werden neu berechnet …");

    // Meanwhile a resident asks for help and gets it before the recompute is over.
    resident.send("/help");
    const help = await resident.nextReply({ timeoutMs: 2000 });
    expect(help.text).toMatch(/^Как работает бот/);
    const beforeHelp = manager.skipReplies();
    expect(beforeHelp.map((reply) => reply.text).join("\n")).not.toMatch(/sind neu berechnet/);

    const edits = [...beforeHelp];
    while (!edits.at(-1)?.text?.startsWith("Die Kennzahlen sind neu berechnet"))
      edits.push(await manager.nextReply({ timeoutMs: 60_000 }));
    for (const edit of edits) expect(edit).toMatchObject({ edited: true, messageId: status.messageId });
    const progress = edits.slice(0, -1).map((edit) => edit.text);
    expect(progress.length).toBeGreaterThan(0);
    for (const text of progress)
      expect(text).toMatch(/^Die Kennzahlen werden neu berechnet … Zeiträume fertig: \d+ von 31$/);
    expect(edits.at(-1)?.text).toMatch(
      /^Die Kennzahlen sind neu berechnet: [1-9][\d.]* neu, 0 geändert, 0 entfernt\.$/,
    );
    expect(await db.indicatorTally.count({ where: { indicator: "attendance_rate", scopeKey: "all" } })).toBeGreaterThan(
      20,
    );
  });

  it("runs once when two managers press at the same time: both get the result of the one run", async () => {
    await db.attendance.updateMany({
      where: { session: { startsAt: { lt: new Date("2025-03-01T00:00:00Z") } } },
      data: { status: "absent" },
    });
    const untilResult = async (user: TelegramUser) => {
      const replies = [await user.nextReply()];
      while (!replies.at(-1)?.text?.startsWith("Die Kennzahlen sind neu berechnet"))
        replies.push(await user.nextReply({ timeoutMs: 60_000 }));
      return replies.at(-1)?.text;
    };
    for (const user of [manager, colleague]) {
      user.send("/indicators");
      await user.nextReply();
    }
    manager.tap("🔄 Jetzt neu berechnen");
    colleague.tap("🔄 Jetzt neu berechnen");
    const [first, second] = await Promise.all([untilResult(manager), untilResult(colleague)]);
    // January and February 2025 now have no one present: their participant counts become 0 (zero
    // is a figure and stays stored) and their attendance rates lose nothing but their numerator.
    expect(first).toMatch(/^Die Kennzahlen sind neu berechnet: 0 neu, [1-9]\d* geändert, 0 entfernt\.$/);
    expect(second).toBe(first);
    expect(running.logs.filter((line) => line.message === "indicator tallies recomputed")).toHaveLength(2);
  });
});
