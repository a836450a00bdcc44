import { Prisma, type Db } from "../../db.js";
import type { Period, PeriodKind } from "./periods.js";

/**
 * The figures the municipality judges its integration work by (README "Indicators"). Counts have
 * no denominator; rates are numerator ÷ denominator; the median stores the days as numerator and
 * how many requests it is the median of as denominator.
 */
export const INDICATORS = {
  event_registrations: { unit: "count", scoped: false, group: "events" },
  event_checkins: { unit: "count", scoped: false, group: "events" },
  event_walk_ins: { unit: "count", scoped: false, group: "events" },
  event_participants: { unit: "count", scoped: false, group: "events" },
  event_persons_distinct: { unit: "count", scoped: false, group: "events" },
  course_participants: { unit: "count", scoped: true, group: "courses" },
  attendance_rate: { unit: "rate", scoped: true, group: "courses" },
  completion_rate: { unit: "rate", scoped: true, group: "courses" },
  placement_rate: { unit: "rate", scoped: true, group: "courses" },
  placement_rate_6m: { unit: "rate", scoped: true, group: "courses" },
  active_sponsorships: { unit: "count", scoped: false, group: "sponsorship" },
  open_requests: { unit: "count", scoped: false, group: "sponsorship" },
  median_days_to_match: { unit: "days", scoped: false, group: "sponsorship" },
} as const;

export type Indicator = keyof typeof INDICATORS;
export type IndicatorGroup = (typeof INDICATORS)[Indicator]["group"];
export const INDICATOR_GROUPS: readonly IndicatorGroup[] = ["events", "courses", "sponsorship"];
export const INDICATOR_NAMES = Object.keys(INDICATORS) as Indicator[];

export interface TallyRow {
  indicator: Indicator;
  periodKind: PeriodKind;
  periodStart: Date;
  scopeKey: string;
  numerator: number;
  denominator: number | null;
}

export const SCOPE_ALL = "all";
/** Outcomes that count as a placement (German labour-market statistics: training or a job). */
const PLACED = Prisma.sql`('apprenticeship', 'employment')`;
const ENDED = Prisma.sql`('completed', 'dropped')`;
const PLACEMENT_CATEGORIES = Prisma.sql`('vocational', 'school_certificate')`;

/** The periods as a table; `asOf` is the moment point-in-time figures are read at (period end, or now). */
function periodsTable(periods: readonly Period[], now: Date): Prisma.Sql {
  const rows = periods.map((period) => {
    const asOf = period.end < now ? period.end : now;
    return Prisma.sql`(${period.kind}, ${period.start}, ${period.end}, ${asOf})`;
  });
  return Prisma.sql`periods("kind", "start", "end", "asOf") AS (VALUES ${Prisma.join(rows)})`;
}

/**
 * One statement that yields every tally row for `periods`, computed in the database. Additive
 * figures are grouped per period and course first and rolled up to category and all; distinct
 * counts, point-in-time counts and the median are computed per scope directly.
 */
export function tallyQuery(periods: readonly Period[], now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH ${periodsTable(periods, now)},
    -- The attendance rows are read once, per period and participant; the attendance rate and the
    -- participants present are both derived from that (bench/README.md "Indicator tallies").
    participantFigures AS MATERIALIZED (
      SELECT p."kind", p."start", s."courseId", a."enrollmentId",
        SUM(a."status" = 'present') AS "present", SUM(a."status" IN ('present', 'absent')) AS "marked"
      FROM periods p
      JOIN "CourseSession" s ON s."startsAt" >= p."start" AND s."startsAt" < p."end" AND s."cancelledAt" IS NULL
      JOIN "Attendance" a ON a."sessionId" = s."id"
      GROUP BY p."kind", p."start", s."courseId", a."enrollmentId"
    ),
    sessionFigures AS MATERIALIZED (
      SELECT f."kind", f."start", f."courseId", c."category", SUM(f."present") AS "present", SUM(f."marked") AS "marked"
      FROM participantFigures f
      JOIN "Course" c ON c."id" = f."courseId"
      GROUP BY f."kind", f."start", f."courseId"
    ),
    -- Every course's planned sessions: its lifetime (first to last session, cancelled ones
    -- included, so that cancelling never moves it) and its last held session.
    courseRuns AS MATERIALIZED (
      SELECT c."id" AS "courseId", c."category",
        MIN(s."startsAt") AS "firstSession", MAX(s."startsAt") AS "lastSession",
        MAX(CASE WHEN ${heldSession("s")} THEN s."startsAt" END) AS "lastHeldStart",
        MAX(CASE WHEN ${heldSession("s")} THEN s."endsAt" END) AS "lastHeldEnd",
        MAX(CASE WHEN s."cancelledAt" IS NULL THEN s."endsAt" END) AS "lastPlannedEnd"
      FROM "Course" c JOIN "CourseSession" s ON s."courseId" = c."id"
      GROUP BY c."id"
    ),
    -- A course run has a cohort once every session not cancelled is over and at least one was
    -- held; it counts in the period of its last held session (README "Completion cohort"). In it:
    -- everyone completed, everyone present at least once, and everyone who held a seat at the end
    -- of the last held session; completed or dropped without enrolledAt counts as seated.
    cohortMembers AS MATERIALIZED (
      SELECT r."courseId", r."category", r."lastHeldStart", e."status", e."outcomeAtLeaving", e."outcomeAfter6m"
      FROM courseRuns r JOIN "Enrollment" e ON e."courseId" = r."courseId"
      WHERE r."lastHeldStart" IS NOT NULL AND r."lastPlannedEnd" <= ${now}
        AND e."status" IN ('completed', 'dropped', 'withdrawn')
        AND (e."status" = 'completed'
          OR EXISTS (SELECT 1 FROM "Attendance" a JOIN "CourseSession" s ON s."id" = a."sessionId"
            WHERE a."enrollmentId" = e."id" AND a."status" = 'present' AND ${heldSession("s")})
          OR (CASE WHEN e."enrolledAt" IS NULL THEN e."status" <> 'withdrawn' ELSE e."enrolledAt" <= r."lastHeldEnd" END
            AND (e."endedAt" IS NULL OR e."endedAt" >= r."lastHeldEnd")))
    ),
    -- A missing outcome is "not placed", not unknown: NULL IN (…) would make the whole sum NULL.
    cohortFigures AS MATERIALIZED (
      SELECT p."kind", p."start", m."courseId", m."category",
        SUM(m."status" = 'completed') AS "completed",
        COUNT(*) AS "cohort",
        SUM(m."status" IN ${ENDED} AND m."category" IN ${PLACEMENT_CATEGORIES}) AS "placementEnded",
        SUM(m."status" IN ${ENDED} AND m."category" IN ${PLACEMENT_CATEGORIES} AND COALESCE(m."outcomeAtLeaving" IN ${PLACED}, FALSE)) AS "placed",
        SUM(m."status" IN ${ENDED} AND m."category" IN ${PLACEMENT_CATEGORIES} AND m."outcomeAfter6m" IS NOT NULL) AS "known6m",
        SUM(m."status" IN ${ENDED} AND m."category" IN ${PLACEMENT_CATEGORIES} AND COALESCE(m."outcomeAfter6m" IN ${PLACED}, FALSE)) AS "placed6m"
      FROM periods p
      JOIN cohortMembers m ON m."lastHeldStart" >= p."start" AND m."lastHeldStart" < p."end"
      GROUP BY p."kind", p."start", m."courseId"
    ),
    -- Lifetimes for the zeros: a category from its first course's first session on, a course from
    -- its first to its last session month.
    categoryStarts AS MATERIALIZED (
      SELECT "category", MIN("firstSession") AS "firstSession" FROM courseRuns GROUP BY "category"
    ),
    presentPeople AS MATERIALIZED (
      SELECT DISTINCT f."kind", f."start", f."courseId", c."category", e."personId"
      FROM participantFigures f
      JOIN "Course" c ON c."id" = f."courseId"
      JOIN "Enrollment" e ON e."id" = f."enrollmentId"
      WHERE f."present" > 0
    ),
    ${rolledUp("sessionFigures", [{ indicator: "attendance_rate", numerator: "present", denominator: "marked" }])},
    ${rolledUp("cohortFigures", [
      { indicator: "completion_rate", numerator: "completed", denominator: "cohort" },
      { indicator: "placement_rate", numerator: "placed", denominator: "placementEnded" },
      { indicator: "placement_rate_6m", numerator: "placed6m", denominator: "known6m" },
    ])},
    eventFigures AS MATERIALIZED (
      SELECT p."kind", p."start",
        (SELECT COALESCE(SUM(r."partySize"), 0) FROM "Event" ev JOIN "Rsvp" r ON r."eventId" = ev."id"
          WHERE ${heldEventIn("ev")} AND r."status" = 'going') AS "registrations",
        (SELECT COALESCE(SUM(r."partySize"), 0) FROM "Event" ev JOIN "Rsvp" r ON r."eventId" = ev."id"
          WHERE ${heldEventIn("ev")} AND r."checkedInAt" IS NOT NULL) AS "checkins",
        (SELECT COALESCE(SUM(w."count"), 0) FROM "Event" ev JOIN "EventWalkIn" w ON w."eventId" = ev."id"
          WHERE ${heldEventIn("ev")}) AS "walkIns",
        (SELECT COUNT(DISTINCT r."personId") FROM "Event" ev JOIN "Rsvp" r ON r."eventId" = ev."id"
          WHERE ${heldEventIn("ev")} AND r."checkedInAt" IS NOT NULL) AS "persons",
        (SELECT COUNT(*) FROM "Sponsorship" sp
          WHERE sp."startedAt" < p."asOf" AND (sp."endedAt" IS NULL OR sp."endedAt" >= p."asOf")) AS "activeSponsorships",
        -- Open: asked, not withdrawn or closed, and not within a match at that moment; read from the
        -- match history (accepted offers keep their start and end), so a later reopening changes nothing before it.
        (SELECT COUNT(*) FROM "SponsorshipRequest" rq WHERE rq."createdAt" < p."asOf"
          AND (rq."closedAt" IS NULL OR rq."closedAt" >= p."asOf")
          AND NOT EXISTS (SELECT 1 FROM "Sponsorship" m WHERE m."requestId" = rq."id"
            AND m."startedAt" < p."asOf" AND (m."endedAt" IS NULL OR m."endedAt" >= p."asOf"))) AS "openRequests"
      FROM periods p
    ),
    -- Every accepted offer is a match; it waited from the request, or from the end of the request's
    -- previous match when the sponsor's side had put it back into the queue.
    matches AS (
      SELECT m."startedAt", julianday(m."startedAt") - julianday(COALESCE(
          (SELECT MAX(prev."endedAt") FROM "Sponsorship" prev WHERE prev."requestId" = m."requestId" AND prev."id" <> m."id"
            AND prev."startedAt" IS NOT NULL AND prev."endedAt" <= m."startedAt"),
          rq."createdAt")) AS "days"
      FROM "Sponsorship" m JOIN "SponsorshipRequest" rq ON rq."id" = m."requestId"
      WHERE m."startedAt" IS NOT NULL
    ),
    waits AS (
      SELECT p."kind", p."start", x."days",
        ROW_NUMBER() OVER (PARTITION BY p."kind", p."start" ORDER BY x."days") AS "rank",
        COUNT(*) OVER (PARTITION BY p."kind", p."start") AS "n"
      FROM periods p JOIN matches x ON x."startedAt" >= p."start" AND x."startedAt" < p."end"
    )
    SELECT * FROM attendance_rate
    UNION ALL SELECT * FROM completion_rate
    UNION ALL SELECT * FROM placement_rate
    UNION ALL SELECT * FROM placement_rate_6m
    UNION ALL SELECT 'course_participants', p."kind", p."start", 'course:' || r."courseId", COUNT(pp."personId"), NULL
      FROM periods p JOIN courseRuns r ON r."firstSession" < p."end" AND r."lastSession" >= p."start"
      LEFT JOIN presentPeople pp ON pp."kind" = p."kind" AND pp."start" = p."start" AND pp."courseId" = r."courseId"
      GROUP BY p."kind", p."start", r."courseId"
    UNION ALL SELECT 'course_participants', p."kind", p."start", 'category:' || cs."category", COUNT(DISTINCT pp."personId"), NULL
      FROM periods p JOIN categoryStarts cs ON cs."firstSession" < p."end"
      LEFT JOIN presentPeople pp ON pp."kind" = p."kind" AND pp."start" = p."start" AND pp."category" = cs."category"
      GROUP BY p."kind", p."start", cs."category"
    UNION ALL SELECT 'course_participants', p."kind", p."start", ${SCOPE_ALL}, COUNT(DISTINCT pp."personId"), NULL
      FROM periods p LEFT JOIN presentPeople pp ON pp."kind" = p."kind" AND pp."start" = p."start"
      GROUP BY p."kind", p."start"
    UNION ALL SELECT 'event_registrations', "kind", "start", ${SCOPE_ALL}, "registrations", NULL FROM eventFigures
    UNION ALL SELECT 'event_checkins', "kind", "start", ${SCOPE_ALL}, "checkins", NULL FROM eventFigures
    UNION ALL SELECT 'event_walk_ins', "kind", "start", ${SCOPE_ALL}, "walkIns", NULL FROM eventFigures
    UNION ALL SELECT 'event_participants', "kind", "start", ${SCOPE_ALL}, "checkins" + "walkIns", NULL FROM eventFigures
    UNION ALL SELECT 'event_persons_distinct', "kind", "start", ${SCOPE_ALL}, "persons", NULL FROM eventFigures
    UNION ALL SELECT 'active_sponsorships', "kind", "start", ${SCOPE_ALL}, "activeSponsorships", NULL FROM eventFigures
    UNION ALL SELECT 'open_requests', "kind", "start", ${SCOPE_ALL}, "openRequests", NULL FROM eventFigures
    UNION ALL SELECT 'median_days_to_match', "kind", "start", ${SCOPE_ALL}, ROUND(AVG("days"), 2), MAX("n") FROM waits
      WHERE "rank" IN (("n" + 1) / 2, ("n" + 2) / 2) GROUP BY "kind", "start"`;
}

/** A session counts as held when it was not cancelled and its attendance was saved. */
function heldSession(alias: string): Prisma.Sql {
  const session = Prisma.raw(alias);
  return Prisma.sql`${session}."cancelledAt" IS NULL AND ${session}."attendanceTakenAt" IS NOT NULL`;
}

function heldEventIn(alias: string): Prisma.Sql {
  const event = Prisma.raw(alias);
  return Prisma.sql`${event}."startsAt" >= p."start" AND ${event}."startsAt" < p."end" AND ${event}."cancelledAt" IS NULL`;
}

interface RateColumns {
  indicator: Indicator;
  numerator: string;
  denominator: string;
}

/** CTEs named after each indicator: its rate per course, per category and overall; empty denominators are left out. */
function rolledUp(source: string, rates: readonly RateColumns[]): Prisma.Sql {
  const from = Prisma.raw(`"${source}"`);
  return Prisma.join(
    rates.map(({ indicator, numerator, denominator }) => {
      const num = Prisma.raw(`"${numerator}"`);
      const den = Prisma.raw(`"${denominator}"`);
      return Prisma.sql`${Prisma.raw(indicator)} AS (
        SELECT ${indicator} AS "indicator", "kind", "start", 'course:' || "courseId" AS "scopeKey", ${num} AS "numerator", ${den} AS "denominator"
          FROM ${from} WHERE ${den} > 0
        UNION ALL SELECT ${indicator}, "kind", "start", 'category:' || "category", SUM(${num}), SUM(${den})
          FROM ${from} GROUP BY "kind", "start", "category" HAVING SUM(${den}) > 0
        UNION ALL SELECT ${indicator}, "kind", "start", ${SCOPE_ALL}, SUM(${num}), SUM(${den})
          FROM ${from} GROUP BY "kind", "start" HAVING SUM(${den}) > 0
      )`;
    }),
    ",\n",
  );
}

interface RawTallyRow {
  indicator: Indicator;
  kind: PeriodKind;
  start: string;
  scopeKey: string;
  numerator: string;
  denominator: string | null;
}

/**
 * Figures for arbitrary periods (e.g. a week for the digest), computed live and not stored;
 * `scopeKey` limits the result to one scope.
 */
export async function computeFigures(
  db: Db,
  periods: readonly Period[],
  now: Date,
  scopeKey = SCOPE_ALL,
): Promise<TallyRow[]> {
  if (periods.length === 0) return [];
  // As text: the driver adapter types a column by its first value, so a whole first number would cut 11.5 to 11.
  const rows = await db.$queryRaw<RawTallyRow[]>`
    SELECT "indicator", "kind", "start", "scopeKey", CAST("numerator" AS TEXT) AS "numerator", CAST("denominator" AS TEXT) AS "denominator"
    FROM (${tallyQuery(periods, now)}) WHERE "scopeKey" = ${scopeKey}`;
  return rows.map((row) => ({
    indicator: row.indicator,
    periodKind: row.kind,
    periodStart: new Date(row.start),
    scopeKey: row.scopeKey,
    numerator: Number(row.numerator),
    denominator: row.denominator === null ? null : Number(row.denominator),
  }));
}
