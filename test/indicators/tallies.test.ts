import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { parsePeriodKey, periodContaining } from "../../src/features/indicators/periods.js";
import { computeFigures, recomputeTallies, type Indicator } from "../../src/features/indicators/tallies.js";
import { createTestDb } from "../support/db.js";
import { buildIndicatorFixture, EXPECTED_OCTOBER as expected, type IndicatorFixture } from "../support/indicators.js";

const ZONE = "Europe/Berlin";
const NOW = new Date("2026-11-25T10:00:00Z");
const OCTOBER = parsePeriodKey("2026-10", ZONE);
const SEPTEMBER = parsePeriodKey("2026-09", ZONE);
const Q4 = parsePeriodKey("2026-Q4", ZONE);

let db: Db;
let fixture: IndicatorFixture;

beforeAll(async () => {
  db = createTestDb().db;
  fixture = await buildIndicatorFixture(db);
});
afterAll(async () => {
  await db.$disconnect();
});

async function tally(indicator: Indicator, periodKey: string, scopeKey = "all") {
  const period = parsePeriodKey(periodKey, ZONE);
  if (!period) throw new Error(periodKey);
  const row = await db.indicatorTally.findUnique({
    where: {
      indicator_periodKind_periodStart_scopeKey: {
        indicator,
        periodKind: period.kind as "month" | "quarter",
        periodStart: period.start,
        scopeKey,
      },
    },
  });
  return row && { numerator: row.numerator, denominator: row.denominator };
}

describe("periods", () => {
  it("follows Berlin's calendar: October 2026 starts at 22:00 UTC the day before and ends after the clock change", () => {
    expect(OCTOBER?.start.toISOString()).toBe("2026-09-30T22:00:00.000Z");
    expect(OCTOBER?.end.toISOString()).toBe("2026-10-31T23:00:00.000Z");
    expect(Q4?.start).toEqual(OCTOBER?.start);
    expect(periodContaining("week", NOW, ZONE).start.toISOString()).toBe("2026-11-22T23:00:00.000Z"); // Monday 23 Nov
  });
});

describe("recomputing the tallies", () => {
  it("produces the hand-computed figures for the October fixture", async () => {
    const result = await recomputeTallies(db, NOW, ZONE);
    expect(result.inserted).toBeGreaterThan(0);

    expect(await tally("attendance_rate", "2026-10", `course:${fixture.vocationalCourseId}`)).toEqual({
      ...expected.attendanceVocational,
    });
    expect(await tally("attendance_rate", "2026-10", "category:vocational")).toEqual({
      ...expected.attendanceVocational,
    });
    expect(await tally("attendance_rate", "2026-10", "category:language")).toEqual({ ...expected.attendanceLanguage });
    expect(await tally("attendance_rate", "2026-10")).toEqual({ ...expected.attendanceAll });
    expect(await tally("completion_rate", "2026-10")).toEqual({ ...expected.completion });
    expect(await tally("placement_rate", "2026-10")).toEqual({ ...expected.placement });
    expect(await tally("placement_rate_6m", "2026-10")).toEqual({ ...expected.placement6m });
    expect(await tally("course_participants", "2026-10", `course:${fixture.vocationalCourseId}`)).toEqual({
      numerator: expected.courseParticipantsVocational,
      denominator: null,
    });
    expect(await tally("course_participants", "2026-10")).toEqual({
      numerator: expected.courseParticipantsAll,
      denominator: null,
    });

    expect(await tally("event_registrations", "2026-10")).toEqual({
      numerator: expected.eventRegistrations,
      denominator: null,
    });
    expect(await tally("event_checkins", "2026-10")).toEqual({ numerator: expected.eventCheckins, denominator: null });
    expect(await tally("event_walk_ins", "2026-10")).toEqual({ numerator: expected.eventWalkIns, denominator: null });
    expect(await tally("event_participants", "2026-10")).toEqual({
      numerator: expected.eventParticipants,
      denominator: null,
    });
    expect(await tally("event_persons_distinct", "2026-10")).toEqual({
      numerator: expected.eventPersonsDistinct,
      denominator: null,
    });

    expect(await tally("active_sponsorships", "2026-10")).toEqual({
      numerator: expected.activeSponsorships,
      denominator: null,
    });
    expect(await tally("open_requests", "2026-10")).toEqual({ numerator: expected.openRequests, denominator: null });
    expect(await tally("median_days_to_match", "2026-10")).toEqual({ ...expected.medianDaysToMatch });
  });

  it("keeps the other periods apart: September's single match, zero events, and the quarter so far", async () => {
    expect(await tally("median_days_to_match", "2026-09")).toEqual({ numerator: 10, denominator: 1 });
    expect(await tally("open_requests", "2026-09")).toEqual({ numerator: 1, denominator: null }); // the one withdrawn in October
    expect(await tally("active_sponsorships", "2026-09")).toEqual({ numerator: 1, denominator: null });
    // Zero is a figure, not a gap: September had no events.
    expect(await tally("event_participants", "2026-09")).toEqual({ numerator: 0, denominator: null });
    // No sessions in September: no attendance rate rather than a rate of zero.
    expect(await tally("attendance_rate", "2026-09")).toBeNull();
    expect(await tally("completion_rate", "2026-Q4")).toEqual({ ...expected.completion });
    expect(await tally("event_participants", "2026-Q4")).toEqual({
      numerator: expected.eventParticipants,
      denominator: null,
    });
    // Courses whose category has no placement (language) stay out of the placement rate.
    expect(await tally("placement_rate", "2026-10", "category:language")).toBeNull();
  });

  it("changes nothing when run again over the same data", async () => {
    const before = await db.indicatorTally.findMany({ orderBy: { id: "asc" } });
    const result = await recomputeTallies(db, new Date(NOW.getTime() + 60_000), ZONE);
    expect(result).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(await db.indicatorTally.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("corrects a past month when its attendance is changed later", async () => {
    const lastParticipant = fixture.participantEnrollmentIds.at(-1) ?? 0;
    await db.attendance.update({
      where: { sessionId_enrollmentId: { sessionId: fixture.firstSessionId, enrollmentId: lastParticipant } },
      data: { status: "present" },
    });
    const later = new Date(NOW.getTime() + 3_600_000);
    const result = await recomputeTallies(db, later, ZONE);

    expect(result.updated).toBeGreaterThan(0);
    expect(await tally("attendance_rate", "2026-10")).toEqual({
      numerator: expected.attendanceAll.numerator + 1,
      denominator: expected.attendanceAll.denominator,
    });
    expect(await tally("course_participants", "2026-10")).toEqual({
      numerator: expected.courseParticipantsAll + 1,
      denominator: null,
    });
    const corrected = await db.indicatorTally.findFirst({
      where: { indicator: "attendance_rate", scopeKey: "all", periodStart: OCTOBER?.start, periodKind: "month" },
    });
    expect(corrected?.computedAt).toEqual(later);
    const untouched = await db.indicatorTally.findFirst({
      where: { indicator: "completion_rate", scopeKey: "all", periodStart: OCTOBER?.start, periodKind: "month" },
    });
    expect(untouched?.computedAt).toEqual(NOW);
  });

  it("removes a figure whose data vanished", async () => {
    await db.course.delete({ where: { id: fixture.languageCourseId } });
    const result = await recomputeTallies(db, NOW, ZONE);
    expect(result.deleted).toBeGreaterThan(0);
    expect(await tally("attendance_rate", "2026-10", "category:language")).toBeNull();
  });
});

describe("live figures for other periods", () => {
  it("computes a week and September without storing them", async () => {
    if (!SEPTEMBER) throw new Error("period");
    const count = await db.indicatorTally.count();
    const week = periodContaining("week", new Date("2026-10-05T12:00:00Z"), ZONE);
    const rows = await computeFigures(db, [week, SEPTEMBER], NOW);
    const weekAttendance = rows.find((row) => row.indicator === "attendance_rate" && row.periodKind === "week");
    // Monday 5 and Wednesday 7 October (the language course is gone by now): participants 1–9 were
    // present at both, participant 10 only at the first since the correction → 19 present of 20.
    expect(weekAttendance).toMatchObject({ numerator: 19, denominator: 20 });
    expect(rows.find((row) => row.indicator === "median_days_to_match" && row.periodKind === "month")).toMatchObject({
      numerator: 10,
      denominator: 1,
    });
    expect(await db.indicatorTally.count()).toBe(count);
  });
});

describe("a cohort without recorded outcomes", () => {
  it("counts as placed nobody rather than failing the run", async () => {
    const course = await db.course.create({
      data: {
        titleDe: "Schweißen Grundkurs",
        titleRu: "Сварка: основы",
        descriptionDe: "Praxis",
        descriptionRu: "Практика",
        category: "vocational",
        capacity: 8,
        startsOn: new Date("2026-08-03T07:00:00Z"),
        endsOn: new Date("2026-08-28T10:00:00Z"),
        place: "Werkhalle",
      },
    });
    await db.courseSession.create({
      data: {
        courseId: course.id,
        startsAt: new Date("2026-08-27T07:00:00Z"),
        endsAt: new Date("2026-08-27T10:00:00Z"),
        attendanceTakenAt: new Date("2026-08-27T10:00:00Z"),
      },
    });
    for (const [index, status] of (["completed", "dropped"] as const).entries()) {
      const person = await db.person.create({ data: { telegramId: BigInt(6_000_000 + index), consentAt: NOW } });
      await db.enrollment.create({
        data: { courseId: course.id, personId: person.id, status, endedAt: new Date("2026-08-29T00:00:00Z") },
      });
    }
    await recomputeTallies(db, NOW, ZONE);
    expect(await tally("placement_rate", "2026-08")).toEqual({ numerator: 0, denominator: 2 });
    expect(await tally("placement_rate_6m", "2026-08")).toBeNull();
    expect(await tally("completion_rate", "2026-08", `course:${course.id}`)).toEqual({ numerator: 1, denominator: 2 });
  });
});
