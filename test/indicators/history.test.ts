import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import type { Enrollment } from "../../src/generated/prisma/client.js";
import { closeEndedCourses } from "../../src/features/attendance/service.js";
import { withdraw } from "../../src/features/courses/service.js";
import { cancelSession } from "../../src/features/courses/management/service.js";
import { parsePeriodKey, periodContaining, type TallyPeriodKind } from "../../src/features/indicators/periods.js";
import { recomputeTallies, type Indicator } from "../../src/features/indicators/tallies.js";
import { erasePersonData } from "../../src/people/erasure.js";
import { wallClockToUtc } from "../../src/time.js";
import { createTestDb } from "../support/db.js";
import { OFFICE } from "../support/fixtures.js";
import { clearAllTables } from "../support/histories.js";

/**
 * A figure of a past period never changes because of a later action (issue #11): each defect's
 * later action is performed and the earlier periods' rows are compared byte for byte.
 */
const ZONE = "Europe/Berlin";
const at = (month: number, day: number, hour = 9) => wallClockToUtc({ year: 2026, month, day, hour, minute: 0 }, ZONE);

let db: Db;
beforeEach(async () => {
  db ??= createTestDb().db;
  await clearAllTables(db);
});
afterAll(async () => {
  await db.$disconnect();
});

/** Every stored row of the periods that were over by `before`, as text (computedAt included). */
async function closedPeriodRows(before: Date): Promise<string> {
  const rows = await db.indicatorTally.findMany({
    orderBy: [{ indicator: "asc" }, { periodKind: "asc" }, { periodStart: "asc" }, { scopeKey: "asc" }],
  });
  const closed = rows.filter((row) => periodContaining(row.periodKind, row.periodStart, ZONE).end <= before);
  expect(closed.length).toBeGreaterThan(0);
  return JSON.stringify(closed);
}

async function tally(indicator: Indicator, periodKey: string, scopeKey = "all") {
  const period = parsePeriodKey(periodKey, ZONE);
  if (!period) throw new Error(periodKey);
  const row = await db.indicatorTally.findUnique({
    where: {
      indicator_periodKind_periodStart_scopeKey: {
        indicator,
        periodKind: period.kind as TallyPeriodKind,
        periodStart: period.start,
        scopeKey,
      },
    },
  });
  return row && { numerator: row.numerator, denominator: row.denominator };
}

let personNumber = 0;
async function person(name: string) {
  personNumber += 1;
  return db.person.create({
    data: {
      telegramId: BigInt(8_000_000 + personNumber),
      chatId: BigInt(8_000_000 + personNumber),
      firstName: name,
      consentAt: at(9, 1),
    },
  });
}

async function event(startsAt: Date) {
  const endsAt = new Date(startsAt.getTime() + 2 * 3_600_000);
  return db.event.create({
    data: {
      titleDe: "Elterncafé",
      titleRu: "Кафе",
      descriptionDe: "–",
      descriptionRu: "–",
      kind: "club",
      startsAt,
      endsAt,
      place: "Familienzentrum",
    },
  });
}

async function course(category: "language" | "vocational" = "language") {
  return db.course.create({
    data: {
      titleDe: "Deutsch A2",
      titleRu: "Немецкий A2",
      descriptionDe: "–",
      descriptionRu: "–",
      category,
      capacity: 10,
      startsOn: at(9, 1),
      endsOn: at(11, 30),
      place: "Rathaus",
    },
  });
}

async function session(courseId: number, startsAt: Date, held: boolean) {
  const endsAt = new Date(startsAt.getTime() + 3 * 3_600_000);
  return db.courseSession.create({ data: { courseId, startsAt, endsAt, attendanceTakenAt: held ? endsAt : null } });
}

describe("erasure (defect 1)", () => {
  it("keeps the sign-ups of past events, cancels those ahead, and leaves the earlier months' figures as they were", async () => {
    const past = await event(at(10, 14, 15));
    const ahead = await event(at(12, 3, 15));
    const leaving = await person("Irina");
    const other = await person("Pawel");
    await db.rsvp.create({ data: { eventId: past.id, personId: leaving.id, status: "going", partySize: 3 } });
    await db.rsvp.create({
      data: { eventId: past.id, personId: other.id, status: "going", checkedInAt: at(10, 14, 15) },
    });
    await db.rsvp.create({ data: { eventId: ahead.id, personId: leaving.id, status: "going", partySize: 2 } });
    const now = at(11, 20);
    await recomputeTallies(db, now, ZONE);
    expect(await tally("event_registrations", "2026-10")).toEqual({ numerator: 4, denominator: null });
    const before = await closedPeriodRows(at(11, 1, 0));

    await erasePersonData(db, leaving.id, at(11, 21));
    await recomputeTallies(db, at(11, 22), ZONE);

    expect(await closedPeriodRows(at(11, 1, 0))).toBe(before);
    const kept = await db.rsvp.findUniqueOrThrow({
      where: { eventId_personId: { eventId: past.id, personId: leaving.id } },
    });
    expect(kept).toMatchObject({ status: "going", partySize: 3, checkedInAt: null });
    const cancelled = await db.rsvp.findUniqueOrThrow({
      where: { eventId_personId: { eventId: ahead.id, personId: leaving.id } },
    });
    expect(cancelled.status).toBe("cancelled");
  });
});

describe("zero (defect 3)", () => {
  it("stores 0 for every month of a course's and a category's lifetime, and for everything", async () => {
    const quiet = await course("vocational");
    await session(quiet.id, at(9, 8), true);
    await session(quiet.id, at(11, 3), true);
    const participant = await person("Ali");
    const enrollment = await db.enrollment.create({
      data: { courseId: quiet.id, personId: participant.id, status: "active", enrolledAt: at(9, 1) },
    });
    const [september] = await db.courseSession.findMany({
      where: { courseId: quiet.id },
      orderBy: { startsAt: "asc" },
    });
    await db.attendance.create({
      data: { sessionId: september?.id ?? 0, enrollmentId: enrollment.id, status: "present" },
    });
    // A language course that starts later: its category has no figures before its first session.
    const later = await course("language");
    await session(later.id, at(11, 10), false);
    await recomputeTallies(db, at(12, 15), ZONE);

    const zero = { numerator: 0, denominator: null };
    expect(await tally("course_participants", "2026-09", `course:${quiet.id}`)).toEqual({
      numerator: 1,
      denominator: null,
    });
    expect(await tally("course_participants", "2026-10", `course:${quiet.id}`)).toEqual(zero);
    expect(await tally("course_participants", "2026-11", `course:${quiet.id}`)).toEqual(zero);
    expect(await tally("course_participants", "2026-12", `course:${quiet.id}`)).toBeNull();
    expect(await tally("course_participants", "2026-10", "category:vocational")).toEqual(zero);
    expect(await tally("course_participants", "2026-12", "category:vocational")).toEqual(zero);
    expect(await tally("course_participants", "2026-10", "category:language")).toBeNull();
    expect(await tally("course_participants", "2026-11", "category:language")).toEqual(zero);
    expect(await tally("course_participants", "2026-10")).toEqual(zero);
    expect(await tally("course_participants", "2026-Q4")).toEqual(zero);
    expect(await tally("course_participants", "2026-Q3")).toEqual({ numerator: 1, denominator: null });
    // Rates without a denominator stay "no data".
    expect(await tally("attendance_rate", "2026-10")).toBeNull();
  });
});

describe("cohort month (defect 4)", () => {
  it("is the month of the last held session when the last planned one is cancelled, and earlier months stay as they were", async () => {
    const run = await course("vocational");
    const held = [
      await session(run.id, at(9, 28), true),
      await session(run.id, at(10, 5), true),
      await session(run.id, at(10, 26), true),
    ];
    const last = await session(run.id, at(11, 2), false);
    const [stays, fails] = [await person("Lena"), await person("Oleg")];
    for (const [index, participant] of [stays, fails].entries()) {
      const enrollment = await db.enrollment.create({
        data: { courseId: run.id, personId: participant.id, status: "active", enrolledAt: at(9, 1) },
      });
      for (const one of held) {
        await db.attendance.create({
          data: { sessionId: one.id, enrollmentId: enrollment.id, status: index === 0 ? "present" : "absent" },
        });
      }
    }
    await recomputeTallies(db, at(10, 30), ZONE);
    // Still running: no cohort yet.
    expect(await tally("completion_rate", "2026-10")).toBeNull();
    const before = await closedPeriodRows(at(10, 1, 0));

    expect(await cancelSession(db, OFFICE, last.id, at(10, 31))).toBeDefined();
    await closeEndedCourses(db, at(12, 1, 3), ZONE);
    await recomputeTallies(db, at(12, 1, 4), ZONE);

    expect(await closedPeriodRows(at(10, 1, 0))).toBe(before);
    expect(await tally("completion_rate", "2026-10", `course:${run.id}`)).toEqual({ numerator: 1, denominator: 2 });
    expect(await tally("completion_rate", "2026-11")).toBeNull();
    expect(await tally("placement_rate", "2026-10")).toEqual({ numerator: 0, denominator: 2 });
  });

  it("does not exist for a course without a held session", async () => {
    const run = await course();
    await session(run.id, at(10, 5), false);
    const participant = await person("Marta");
    await db.enrollment.create({
      data: {
        courseId: run.id,
        personId: participant.id,
        status: "dropped",
        enrolledAt: at(9, 1),
        endedAt: at(10, 20),
      },
    });
    await recomputeTallies(db, at(11, 20), ZONE);
    expect(await tally("completion_rate", "2026-10")).toBeNull();
    expect(await tally("course_participants", "2026-10", `course:${run.id}`)).toEqual({
      numerator: 0,
      denominator: null,
    });
  });
});

describe("completion cohort", () => {
  it("counts those who withdrew after attending as not completed and leaves out those who withdrew before", async () => {
    const run = await course();
    const sessions = [await session(run.id, at(10, 5), true), await session(run.id, at(10, 12), true)];
    const names = [
      "completes",
      "drops at closing",
      "withdraws after attending",
      "withdraws before attending",
      "dropped early by staff",
      "waits",
    ];
    const enrollments: Enrollment[] = [];
    for (const [index, name] of names.entries()) {
      const participant = await person(name);
      const waiting = index === 5;
      enrollments.push(
        await db.enrollment.create({
          data: {
            courseId: run.id,
            personId: participant.id,
            status: waiting ? "waitlisted" : "active",
            enrolledAt: waiting ? null : at(9, 20),
            fullName: name,
          },
        }),
      );
    }
    const marks: Record<number, ("present" | "absent")[]> = {
      0: ["present", "present"],
      1: ["absent", "absent"],
      2: ["present", "absent"],
    };
    for (const [index, statuses] of Object.entries(marks)) {
      for (const [sessionIndex, status] of statuses.entries()) {
        await db.attendance.create({
          data: {
            sessionId: sessions[sessionIndex]?.id ?? 0,
            enrollmentId: enrollments[Number(index)]?.id ?? 0,
            status,
          },
        });
      }
    }
    const personOf = (index: number) => enrollments[index]?.personId ?? 0;
    const idOf = (index: number) => enrollments[index]?.id ?? 0;
    expect((await withdraw(db, personOf(2), idOf(2), at(10, 13))).outcome).toBe("left");
    expect((await withdraw(db, personOf(3), idOf(3), at(10, 4))).outcome).toBe("left");
    await db.enrollment.update({
      where: { id: idOf(4) },
      data: { status: "dropped", statusSetByHand: true, endedAt: at(10, 3) },
    });
    await withdraw(db, personOf(5), idOf(5), at(10, 20));
    await closeEndedCourses(db, at(12, 1, 3), ZONE);
    await recomputeTallies(db, at(12, 1, 4), ZONE);

    // In the cohort: completes, drops at closing (held a seat at the end), withdraws after attending.
    expect(await tally("completion_rate", "2026-10", `course:${run.id}`)).toEqual({ numerator: 1, denominator: 3 });
    expect(await tally("completion_rate", "2026-Q4", "category:language")).toEqual({ numerator: 1, denominator: 3 });
  });
});
