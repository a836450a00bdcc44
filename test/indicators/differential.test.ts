import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import {
  periodContaining,
  periodsBetween,
  type Period,
  type TallyPeriodKind,
} from "../../src/features/indicators/periods.js";
import { INDICATORS, recomputeTallies, type Indicator } from "../../src/features/indicators/tallies.js";
import { createTestDb } from "../support/db.js";
import { clearAllTables, generateHistory, storeHistory } from "../support/histories.js";

/**
 * The differential test of the course and event figures: random histories from fixed seeds are
 * stored, the tallies computed, and every stored figure compared with a deliberately simple
 * reference below — plain loops over the rows, written from the README's definitions ("Indicators",
 * "Completion cohort"), not from the SQL.
 */
const ZONE = "Europe/Berlin";
const SEEDS = Array.from({ length: 200 }, (_, index) => 1_000 + index);
const COMPARED_GROUPS = new Set(["courses", "events"]);

let db: Db;
beforeAll(async () => {
  db = createTestDb().db;
  // Hundreds of histories in one throw-away file: no need to wait for the disk at every commit.
  await db.$executeRawUnsafe("PRAGMA synchronous = OFF");
});
afterAll(async () => {
  await db.$disconnect();
});

/**
 * The figures under test, through both paths: the incremental run (the default, which reads the
 * change markers the triggers left) and a full run, which must leave exactly the same rows.
 */
async function computeTallies(now: Date): Promise<void> {
  await recomputeTallies(db, now, ZONE);
  const incremental = await db.indicatorTally.findMany({
    orderBy: [{ indicator: "asc" }, { periodKind: "asc" }, { periodStart: "asc" }, { scopeKey: "asc" }],
  });
  const full = await recomputeTallies(db, now, ZONE, { full: true });
  expect(full.inserted + full.updated + full.deleted, "a full run after an incremental one changes nothing").toBe(0);
  const after = await db.indicatorTally.findMany({
    orderBy: [{ indicator: "asc" }, { periodKind: "asc" }, { periodStart: "asc" }, { scopeKey: "asc" }],
  });
  expect(after).toEqual(incremental);
}

type Figures = Map<string, { numerator: number; denominator: number | null }>;

function keyOf(indicator: Indicator, period: Pick<Period, "kind" | "start">, scopeKey: string): string {
  return `${indicator} ${period.kind} ${period.start.toISOString()} ${scopeKey}`;
}

async function storedFigures(): Promise<Figures> {
  const rows = await db.indicatorTally.findMany();
  const figures: Figures = new Map();
  for (const row of rows) {
    const indicator = row.indicator as Indicator;
    if (!COMPARED_GROUPS.has(INDICATORS[indicator].group)) continue;
    figures.set(keyOf(indicator, { kind: row.periodKind, start: row.periodStart }, row.scopeKey), {
      numerator: row.numerator,
      denominator: row.denominator,
    });
  }
  return figures;
}

// ───────────────────────────── the reference ─────────────────────────────

async function loadRows() {
  const [courses, sessions, enrollments, attendance, events, rsvps, walkIns, requests, sponsorships] =
    await Promise.all([
      db.course.findMany(),
      db.courseSession.findMany(),
      db.enrollment.findMany(),
      db.attendance.findMany(),
      db.event.findMany(),
      db.rsvp.findMany(),
      db.eventWalkIn.findMany(),
      db.sponsorshipRequest.findMany(),
      db.sponsorship.findMany(),
    ]);
  return { courses, sessions, enrollments, attendance, events, rsvps, walkIns, requests, sponsorships };
}
type Rows = Awaited<ReturnType<typeof loadRows>>;

const periodStarts = new Map<string, number>();

/** Whether `instant` falls in `period` on Berlin's calendar (remembered: the same instants recur in every period). */
function isIn(instant: Date, period: Period): boolean {
  const key = `${period.kind} ${instant.getTime()}`;
  let start = periodStarts.get(key);
  if (start === undefined) {
    start = periodContaining(period.kind, instant, ZONE).start.getTime();
    periodStarts.set(key, start);
  }
  return start === period.start.getTime();
}

/** "from the first data up to now": the first session, course end, event, request or sponsorship start. */
function referencePeriods(rows: Rows, now: Date): Period[] {
  let first = now;
  const consider = (instant: Date | null) => {
    if (instant && instant < first) first = instant;
  };
  for (const session of rows.sessions) consider(session.startsAt);
  for (const course of rows.courses) consider(course.endsOn);
  for (const event of rows.events) consider(event.startsAt);
  for (const request of rows.requests) consider(request.createdAt);
  for (const sponsorship of rows.sponsorships) consider(sponsorship.startedAt);
  return (["month", "quarter"] as TallyPeriodKind[]).flatMap((kind) => periodsBetween(kind, first, now, ZONE));
}

function referenceEventFigures(rows: Rows, periods: Period[], figures: Figures): void {
  for (const period of periods) {
    let registrations = 0;
    let checkins = 0;
    let walkIns = 0;
    const persons = new Set<number>();
    for (const event of rows.events) {
      // Cancelled events count nowhere; an event counts in the period it starts in.
      if (event.cancelledAt !== null || !isIn(event.startsAt, period)) continue;
      for (const rsvp of rows.rsvps) {
        if (rsvp.eventId !== event.id) continue;
        if (rsvp.status === "going") registrations += rsvp.partySize;
        if (rsvp.checkedInAt !== null) {
          checkins += rsvp.partySize;
          persons.add(rsvp.personId);
        }
      }
      for (const walkIn of rows.walkIns) if (walkIn.eventId === event.id) walkIns += walkIn.count;
    }
    const count = (indicator: Indicator, value: number) =>
      figures.set(keyOf(indicator, period, "all"), { numerator: value, denominator: null });
    count("event_registrations", registrations);
    count("event_checkins", checkins);
    count("event_walk_ins", walkIns);
    count("event_participants", checkins + walkIns);
    count("event_persons_distinct", persons.size);
  }
}

interface Tally {
  numerator: number;
  denominator: number;
}

/** Scopes a course's figures go to: the course, its category, everything. */
function scopesOf(course: { id: number; category: string }): string[] {
  return [`course:${course.id}`, `category:${course.category}`, "all"];
}

function addTo(sums: Map<string, Tally>, key: string, numerator: number, denominator: number): void {
  const sum = sums.get(key) ?? { numerator: 0, denominator: 0 };
  sums.set(key, { numerator: sum.numerator + numerator, denominator: sum.denominator + denominator });
}

/** Rates are stored only with a denominator above zero. */
function storeRates(indicator: Indicator, period: Period, sums: Map<string, Tally>, figures: Figures): void {
  for (const [scopeKey, sum] of sums) {
    if (sum.denominator > 0)
      figures.set(keyOf(indicator, period, scopeKey), { numerator: sum.numerator, denominator: sum.denominator });
  }
}

function referenceSessionFigures(rows: Rows, periods: Period[], figures: Figures): void {
  const courseOf = new Map(rows.courses.map((course) => [course.id, course]));
  const sessionOf = new Map(rows.sessions.map((session) => [session.id, session]));
  const enrollmentOf = new Map(rows.enrollments.map((enrollment) => [enrollment.id, enrollment]));
  for (const period of periods) {
    const attendance = new Map<string, Tally>();
    const present = new Map<string, Set<number>>();
    for (const mark of rows.attendance) {
      const session = sessionOf.get(mark.sessionId);
      const enrollment = enrollmentOf.get(mark.enrollmentId);
      const course = session && courseOf.get(session.courseId);
      // Cancelled sessions count nowhere; a mark counts in the period its session starts in.
      if (!session || !enrollment || !course || session.cancelledAt !== null || !isIn(session.startsAt, period))
        continue;
      for (const scopeKey of scopesOf(course)) {
        // Excused counts neither way.
        addTo(attendance, scopeKey, mark.status === "present" ? 1 : 0, mark.status === "excused" ? 0 : 1);
        if (mark.status === "present")
          present.set(scopeKey, (present.get(scopeKey) ?? new Set()).add(enrollment.personId));
      }
    }
    storeRates("attendance_rate", period, attendance, figures);

    // Participants are a count: stored for every period of the scope's lifetime, zero included.
    const lifetimeScopes = new Set<string>(["all"]);
    for (const course of rows.courses) {
      const own = rows.sessions.filter((session) => session.courseId === course.id);
      if (own.length === 0) continue;
      const first = own.reduce((a, b) => (a.startsAt <= b.startsAt ? a : b));
      const last = own.reduce((a, b) => (a.startsAt >= b.startsAt ? a : b));
      const startsBy = isIn(first.startsAt, period) || first.startsAt < period.start;
      if (startsBy && (isIn(last.startsAt, period) || last.startsAt >= period.end))
        lifetimeScopes.add(`course:${course.id}`);
      if (startsBy) lifetimeScopes.add(`category:${course.category}`);
    }
    for (const scopeKey of lifetimeScopes) {
      figures.set(keyOf("course_participants", period, scopeKey), {
        numerator: present.get(scopeKey)?.size ?? 0,
        denominator: null,
      });
    }
  }
}

const PLACED = ["apprenticeship", "employment"];

function referenceCohortFigures(rows: Rows, periods: Period[], now: Date, figures: Figures): void {
  const sums = { completion_rate: new Map(), placement_rate: new Map(), placement_rate_6m: new Map() } as Record<
    "completion_rate" | "placement_rate" | "placement_rate_6m",
    Map<string, Map<string, Tally>>
  >;
  for (const course of rows.courses) {
    const own = rows.sessions.filter((session) => session.courseId === course.id);
    const held = own.filter((session) => session.cancelledAt === null && session.attendanceTakenAt !== null);
    // A course has a cohort once every session not cancelled is over, and only with a held session.
    if (held.length === 0 || own.some((session) => session.cancelledAt === null && session.endsAt > now)) continue;
    const lastHeld = held.reduce((a, b) => (a.startsAt >= b.startsAt ? a : b));
    const heldIds = new Set(held.map((session) => session.id));
    const measuresPlacement = course.category === "vocational" || course.category === "school_certificate";
    for (const enrollment of rows.enrollments) {
      if (enrollment.courseId !== course.id || !["completed", "dropped", "withdrawn"].includes(enrollment.status))
        continue;
      const wasPresent = rows.attendance.some(
        (mark) => mark.enrollmentId === enrollment.id && mark.status === "present" && heldIds.has(mark.sessionId),
      );
      const seatedBeforeEnd =
        enrollment.enrolledAt === null ? enrollment.status !== "withdrawn" : enrollment.enrolledAt <= lastHeld.endsAt;
      const seatedAtEnd = seatedBeforeEnd && (enrollment.endedAt === null || enrollment.endedAt >= lastHeld.endsAt);
      if (!(enrollment.status === "completed" || wasPresent || seatedAtEnd)) continue;
      for (const period of periods) {
        if (!isIn(lastHeld.startsAt, period)) continue;
        const inPeriod = (indicator: keyof typeof sums) => {
          const key = `${period.kind} ${period.start.toISOString()}`;
          const byScope = sums[indicator].get(key) ?? new Map<string, Tally>();
          sums[indicator].set(key, byScope);
          return byScope;
        };
        for (const scopeKey of scopesOf(course)) {
          addTo(inPeriod("completion_rate"), scopeKey, enrollment.status === "completed" ? 1 : 0, 1);
          if (!measuresPlacement || enrollment.status === "withdrawn") continue;
          addTo(inPeriod("placement_rate"), scopeKey, PLACED.includes(enrollment.outcomeAtLeaving ?? "") ? 1 : 0, 1);
          if (enrollment.outcomeAfter6m !== null)
            addTo(inPeriod("placement_rate_6m"), scopeKey, PLACED.includes(enrollment.outcomeAfter6m) ? 1 : 0, 1);
        }
      }
    }
  }
  for (const period of periods) {
    for (const indicator of ["completion_rate", "placement_rate", "placement_rate_6m"] as const) {
      storeRates(
        indicator,
        period,
        sums[indicator].get(`${period.kind} ${period.start.toISOString()}`) ?? new Map<string, Tally>(),
        figures,
      );
    }
  }
}

async function referenceFigures(now: Date): Promise<Figures> {
  const rows = await loadRows();
  const periods = referencePeriods(rows, now);
  const figures: Figures = new Map();
  referenceEventFigures(rows, periods, figures);
  referenceSessionFigures(rows, periods, figures);
  referenceCohortFigures(rows, periods, now, figures);
  return figures;
}

function sorted(figures: Figures): [string, { numerator: number; denominator: number | null }][] {
  return [...figures].sort(([a], [b]) => a.localeCompare(b));
}

describe("the course and event figures against a simple reference", () => {
  it(`agree for ${SEEDS.length} random histories`, async () => {
    let compared = 0;
    for (const seed of SEEDS) {
      const history = generateHistory(seed);
      await clearAllTables(db);
      await storeHistory(db, history, ZONE);
      await computeTallies(history.now);
      const [stored, expected] = [await storedFigures(), await referenceFigures(history.now)];
      expect(sorted(stored), `seed ${seed}`).toEqual(sorted(expected));
      compared += stored.size;
    }
    // The histories are not trivially empty.
    expect(compared).toBeGreaterThan(SEEDS.length * 20);
  }, 240_000);
});
