/**
 * The data set bench/tally-recompute.ts measures on, generated with plain SQL (INSERT … SELECT
 * over a numbers table) in a child process.
 */
import type { Db } from "../src/db.js";

export const ZONE = "Europe/Berlin";
/** A fixed "now" (as in the tests), so every run of the benchmark sees the same periods. */
export const NOW = new Date("2026-11-25T10:00:00Z");

/** How the driver adapter stores a DateTime in SQLite (ISO 8601 text); text comparisons rely on it. */
const sqliteTime = (date: Date) => date.toISOString().replace("Z", "+00:00");
export const NOW_TEXT = sqliteTime(NOW);
const SIX_MONTHS_AGO = sqliteTime(new Date(NOW.getTime() - 183 * 86_400_000));
const FORMAT = "'%Y-%m-%dT%H:%M:%S.000+00:00'";
const DATETIME_GLOB =
  "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]+00:00";
/** Monday 6 January 2025, 08:00 UTC: day 0 of the generated calendar. */
const DAY_ZERO = "'2025-01-06 08:00:00'";
/** SQL text of day `days` (an SQL integer expression) after DAY_ZERO, plus `hours`, in the adapter's format. */
const day = (days: string, hours = 0) => `strftime(${FORMAT}, ${DAY_ZERO}, (${days}) || ' days', '${hours} hours')`;

const SHAPE = {
  courses: 250,
  /** Sessions per course (twice a week, Monday and Thursday) by category. */
  sessions: { language: 60, vocational: 40, school_certificate: 60, other: 20 },
  /** Residents who enrol and sign up; sponsors come on top. */
  people: 20_000,
  /** Enrolments per course that were withdrawn before the start (no attendance). */
  withdrawnPerCourse: 2,
  events: 3_000,
  rsvpsPerEvent: 15,
  sponsors: 100,
  requests: 600,
} as const;

export const TABLES = [
  "Person",
  "Course",
  "CourseSession",
  "Enrollment",
  "Attendance",
  "Event",
  "Rsvp",
  "EventWalkIn",
  "SponsorProfile",
  "SponsorshipRequest",
  "Sponsorship",
  "IndicatorTally",
] as const;

export interface Generated {
  seconds: number;
  attendanceSeconds: number;
  participantsPerCourse: number;
  heldSessions: number;
  peakRssMb: number;
}

export async function count(db: Db, sql: string): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: bigint | number }[]>(sql);
  return Number(row?.n ?? 0);
}

export async function generate(db: Db, attendanceRows: number): Promise<Generated> {
  const run = (sql: string) => db.$executeRawUnsafe(sql);
  const started = performance.now();
  // A bulk load: this connection need not wait for the disk (the benchmark's file is disposable).
  await db.$queryRawUnsafe("PRAGMA synchronous = OFF");
  const { people, sponsors, courses, events, requests, rsvpsPerEvent } = SHAPE;
  await run(`CREATE TEMP TABLE n (i INTEGER PRIMARY KEY)`);
  await run(
    `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${people + sponsors}) INSERT INTO n SELECT i FROM c`,
  );

  await run(`INSERT INTO "Person" ("id", "telegramId", "chatId", "language", "firstName", "district", "consentAt", "createdAt", "updatedAt")
    SELECT i + 1, 100000000 + i, 100000000 + i, CASE WHEN i % 4 = 0 THEN 'de' ELSE 'ru' END, 'Person ' || (i + 1),
      CASE i % 3 WHEN 0 THEN 'Belm' WHEN 1 THEN 'Vehrte' ELSE 'Icker' END, ${day("-60")}, ${day("-60")}, ${day("-60")}
    FROM n`);

  // Courses start every few days over 95 weeks; the last ones still run at NOW.
  const { language, vocational, school_certificate: school, other } = SHAPE.sessions;
  await run(`CREATE TEMP TABLE plan AS SELECT *, "startDay" + (("sessions" - 1) / 2) * 7 + (("sessions" - 1) % 2) * 3 AS "lastDay" FROM (
    SELECT i + 1 AS "courseId", "category", (i * 95 / ${courses}) * 7 + i % 4 AS "startDay",
      CASE "category" WHEN 'language' THEN ${language} WHEN 'vocational' THEN ${vocational} WHEN 'school_certificate' THEN ${school} ELSE ${other} END AS "sessions"
    FROM (SELECT i, CASE WHEN i % 20 < 8 THEN 'language' WHEN i % 20 < 13 THEN 'vocational' WHEN i % 20 < 16 THEN 'school_certificate' ELSE 'other' END AS "category"
      FROM n WHERE i < ${courses}))`);
  await run(`INSERT INTO "Course" ("id", "titleDe", "titleRu", "descriptionDe", "descriptionRu", "category", "capacity", "startsOn", "endsOn", "place", "status", "closedAt", "createdAt", "updatedAt")
    SELECT "courseId", 'Kurs ' || "courseId", 'Курс ' || "courseId", 'Beschreibung', 'Описание', "category", 0, ${day('"startDay"')}, ${day('"lastDay"', 3)}, 'Rathaus Belm',
      CASE WHEN ${day('"lastDay"', 3)} < '${NOW_TEXT}' THEN 'closed' ELSE 'open' END,
      CASE WHEN ${day('"lastDay"', 3)} < '${NOW_TEXT}' THEN ${day('"lastDay"', 4)} END, ${day('"startDay" - 40')}, ${day('"startDay" - 40')}
    FROM plan`);
  // About one session in 37 is cancelled (if the cancellation lies in the past); past sessions have attendance taken.
  await run(`INSERT INTO "CourseSession" ("courseId", "startsAt", "endsAt", "cancelledAt")
    SELECT "courseId", ${day('"d"')}, ${day('"d"', 3)}, CASE WHEN ("courseId" * 31 + "k") % 37 = 0 AND ${day('"d" - 2')} < '${NOW_TEXT}' THEN ${day('"d" - 2')} END
    FROM (SELECT p."courseId", n.i AS "k", p."startDay" + (n.i / 2) * 7 + (n.i % 2) * 3 AS "d" FROM plan p JOIN n ON n.i < p."sessions")
    ORDER BY "courseId", "k"`);
  await run(`UPDATE "CourseSession" SET "attendanceTakenAt" = strftime(${FORMAT}, "startsAt", '+3 hours')
    WHERE "cancelledAt" IS NULL AND "startsAt" < '${NOW_TEXT}'`);

  // Enough participants per course that held sessions × participants reaches the requested rows.
  const heldSessions = await count(
    db,
    `SELECT COUNT(*) AS n FROM "CourseSession" WHERE "attendanceTakenAt" IS NOT NULL`,
  );
  const participants = Math.ceil(attendanceRows / heldSessions);
  const enrolled = participants + SHAPE.withdrawnPerCourse;
  if (enrolled > people)
    throw new Error(
      `${attendanceRows} attendance rows need ${participants} participants per course, more than ${people} people`,
    );
  await run(`UPDATE "Course" SET "capacity" = ${participants}`);
  // Ended courses: 72 % completed, the rest dropped out; placement outcomes for vocational and
  // school-certificate courses, six-month outcomes once half a year has passed.
  await run(`INSERT INTO "Enrollment" ("courseId", "personId", "status", "requestedAt", "enrolledAt", "endedAt", "outcomeAtLeaving", "outcomeAfter6m", "createdAt", "updatedAt")
    SELECT "courseId", "personId", "status", "requestedAt", strftime(${FORMAT}, "startsOn", '-14 days'),
      CASE "status" WHEN 'completed' THEN "endsOn" WHEN 'dropped' THEN strftime(${FORMAT}, "endsOn", '-' || ("h" % 40) || ' days')
        WHEN 'withdrawn' THEN strftime(${FORMAT}, "startsOn", '-3 days') END,
      CASE WHEN "status" IN ('completed', 'dropped') AND "category" IN ('vocational', 'school_certificate') THEN
        CASE ("courseId" * 40503 + "k" * 2654435761) % 10 WHEN 0 THEN 'apprenticeship' WHEN 1 THEN 'apprenticeship' WHEN 2 THEN 'apprenticeship'
          WHEN 3 THEN 'employment' WHEN 4 THEN 'employment' WHEN 5 THEN 'further_schooling' WHEN 9 THEN NULL ELSE 'none_yet' END END,
      CASE WHEN "status" IN ('completed', 'dropped') AND "category" IN ('vocational', 'school_certificate') AND "endsOn" < '${SIX_MONTHS_AGO}' THEN
        CASE ("courseId" * 97 + "k" * 31) % 10 WHEN 0 THEN 'apprenticeship' WHEN 1 THEN 'apprenticeship' WHEN 2 THEN 'apprenticeship'
          WHEN 3 THEN 'employment' WHEN 4 THEN 'employment' WHEN 5 THEN 'employment' WHEN 6 THEN 'none_yet' WHEN 7 THEN 'none_yet' END END,
      "requestedAt", "requestedAt"
    FROM (SELECT c."id" AS "courseId", c."category", c."startsOn", c."endsOn", n.i AS "k", 1 + ((c."id" * 7919 + n.i) % ${people}) AS "personId",
        (c."id" * 2654435761 + n.i * 40503) % 100 AS "h", strftime(${FORMAT}, c."startsOn", '-21 days', '+' || n.i || ' minutes') AS "requestedAt",
        CASE WHEN n.i >= ${participants} THEN 'withdrawn' WHEN c."endsOn" >= '${NOW_TEXT}' THEN 'active'
          WHEN (c."id" * 2654435761 + n.i * 40503) % 100 < 72 THEN 'completed' ELSE 'dropped' END AS "status"
      FROM "Course" c JOIN n ON n.i < ${enrolled})`);

  // Attendance: every held session × every participant; 84 % present, 5 % excused, 11 % absent
  // (those who dropped out: 45 % present). In batches of 25 courses.
  const attendanceStarted = performance.now();
  for (let first = 1; first <= courses; first += 25) {
    await run(`INSERT INTO "Attendance" ("sessionId", "enrollmentId", "status", "markedAt")
      SELECT "sessionId", "enrollmentId",
        CASE WHEN "h" < CASE WHEN "dropped" THEN 45 ELSE 84 END THEN 'present' WHEN "h" < CASE WHEN "dropped" THEN 52 ELSE 89 END THEN 'excused' ELSE 'absent' END,
        "markedAt"
      FROM (SELECT s."id" AS "sessionId", e."id" AS "enrollmentId", s."attendanceTakenAt" AS "markedAt", e."status" = 'dropped' AS "dropped",
          (s."id" * 2654435761 + e."id" * 40503) % 100 AS "h"
        FROM "CourseSession" s JOIN "Enrollment" e ON e."courseId" = s."courseId" AND e."status" <> 'withdrawn'
        WHERE s."attendanceTakenAt" IS NOT NULL AND s."courseId" BETWEEN ${first} AND ${first + 24}
        ORDER BY s."id", e."id")`);
  }
  const attendanceSeconds = (performance.now() - attendanceStarted) / 1000;

  // Events spread over 690 days, one in 40 cancelled; 15 sign-ups each (8 % cancelled, 8 %
  // waiting, a quarter bring 2–4 people), 70 % of those going checked in; 0–2 walk-in counts.
  await run(`INSERT INTO "Event" ("id", "titleDe", "titleRu", "descriptionDe", "descriptionRu", "kind", "startsAt", "endsAt", "place", "capacity", "asksPartySize",
      "cancelledAt", "attendanceClosedAt", "createdAt", "updatedAt")
    SELECT i + 1, 'Treffen ' || (i + 1), 'Встреча ' || (i + 1), 'Beschreibung', 'Описание',
      CASE i % 5 WHEN 0 THEN 'club' WHEN 1 THEN 'circus' WHEN 2 THEN 'children' WHEN 3 THEN 'information' ELSE 'other' END,
      ${day('"d"', 7)}, ${day('"d"', 9)}, 'Familienzentrum', 40, 1,
      CASE WHEN i % 40 = 0 AND ${day('"d" - 2')} < '${NOW_TEXT}' THEN ${day('"d" - 2')} END,
      CASE WHEN ${day('"d" + 1')} < '${NOW_TEXT}' THEN ${day('"d" + 1')} END, ${day('"d" - 30')}, ${day('"d" - 30')}
    FROM (SELECT i, i * 690 / ${events} AS "d" FROM n WHERE i < ${events})`);
  await run(`INSERT INTO "Rsvp" ("eventId", "personId", "status", "partySize", "requestedAt", "checkedInAt")
    SELECT "eventId", "personId", "status", CASE WHEN "status" = 'going' AND "h" % 4 = 0 THEN 2 + "h" % 3 ELSE 1 END, "requestedAt",
      CASE WHEN "status" = 'going' AND "cancelledAt" IS NULL AND "startsAt" < '${NOW_TEXT}' AND ("h" * 7) % 10 < 7 THEN strftime(${FORMAT}, "startsAt", '+10 minutes') END
    FROM (SELECT ev."id" AS "eventId", ev."startsAt", ev."cancelledAt", 1 + ((ev."id" * 104729 + n.i) % ${people}) AS "personId",
        (ev."id" * 2654435761 + n.i * 40503) % 100 AS "h",
        CASE WHEN (ev."id" * 2654435761 + n.i * 40503) % 100 < 8 THEN 'cancelled' WHEN (ev."id" * 2654435761 + n.i * 40503) % 100 < 16 THEN 'waitlisted' ELSE 'going' END AS "status",
        strftime(${FORMAT}, ev."startsAt", '-5 days', '+' || n.i || ' minutes') AS "requestedAt"
      FROM "Event" ev JOIN n ON n.i < ${rsvpsPerEvent})`);
  await run(`INSERT INTO "EventWalkIn" ("eventId", "count", "createdAt")
    SELECT ev."id", 1 + (ev."id" + n.i) % 5, strftime(${FORMAT}, ev."startsAt", '+1 hours')
    FROM "Event" ev JOIN n ON n.i < ev."id" % 3 WHERE ev."cancelledAt" IS NULL AND ev."startsAt" < '${NOW_TEXT}'`);

  // Sponsorship: 100 sponsors; 600 requests, 70 % matched after 2–59 days, 10 % withdrawn, the
  // rest open; a third of the sponsorships ended after 120 days; some declined proposals first.
  await run(`INSERT INTO "SponsorProfile" ("id", "personId", "languages", "areas", "districts", "availability", "maxFamilies", "status", "decidedAt", "createdAt", "updatedAt")
    SELECT i + 1, ${people} + i + 1, '["de","ru"]', '["authorities","school"]', '["Belm"]', '["evenings"]', 3, 'active', ${day("-20")}, ${day("-30")}, ${day("-30")}
    FROM n WHERE i < ${sponsors}`);
  await run(`INSERT INTO "SponsorshipRequest" ("id", "personId", "areas", "languages", "district", "familySize", "status", "createdAt", "matchedAt", "closedAt")
    SELECT i + 1, 1 + (i * 37) % ${people}, '["authorities"]', '["ru"]', 'Belm', 1 + i % 5,
      CASE WHEN i % 10 < 7 THEN 'matched' WHEN i % 10 = 7 THEN 'withdrawn' ELSE 'open' END,
      ${day('"d"', 2)}, CASE WHEN i % 10 < 7 THEN ${day('"d" + 2 + (i * 13) % 58', 5)} END, CASE WHEN i % 10 = 7 THEN ${day('"d" + 20', 5)} END
    FROM (SELECT i, i * 680 / ${requests} AS "d" FROM n WHERE i < ${requests})`);
  await run(`UPDATE "SponsorshipRequest" SET "status" = 'open', "matchedAt" = NULL WHERE "matchedAt" >= '${NOW_TEXT}'`);
  await run(`UPDATE "SponsorshipRequest" SET "status" = 'open', "closedAt" = NULL WHERE "closedAt" >= '${NOW_TEXT}'`);
  await run(`INSERT INTO "Sponsorship" ("requestId", "sponsorId", "status", "proposedAt", "respondedAt", "startedAt", "endedAt", "endReason")
    SELECT "id", 1 + "id" % ${sponsors}, CASE WHEN "ends" THEN 'ended' ELSE 'active' END, strftime(${FORMAT}, "matchedAt", '-1 days'), "matchedAt", "matchedAt",
      CASE WHEN "ends" THEN strftime(${FORMAT}, "matchedAt", '+120 days') END, CASE WHEN "ends" THEN 'finished' END
    FROM (SELECT *, "id" % 3 = 0 AND strftime(${FORMAT}, "matchedAt", '+120 days') < '${NOW_TEXT}' AS "ends" FROM "SponsorshipRequest" WHERE "matchedAt" IS NOT NULL)`);
  await run(`INSERT INTO "Sponsorship" ("requestId", "sponsorId", "status", "proposedAt", "respondedAt")
    SELECT "id", 1 + ("id" + 50) % ${sponsors}, 'declined', strftime(${FORMAT}, "createdAt", '+1 days'), strftime(${FORMAT}, "createdAt", '+2 days')
    FROM "SponsorshipRequest" WHERE "id" % 5 = 0 AND strftime(${FORMAT}, "createdAt", '+2 days') < "matchedAt"`);

  await assertPrismaDateFormat(db);
  return {
    seconds: (performance.now() - started) / 1000,
    attendanceSeconds,
    participantsPerCourse: participants,
    heldSessions,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Every DateTime column holds exactly what Prisma itself writes; otherwise text comparisons would silently go wrong. */
async function assertPrismaDateFormat(db: Db): Promise<void> {
  const written = await db.conversationState.create({ data: { key: "format-probe", value: "" } });
  const [probe] = await db.$queryRaw<
    { updatedAt: string }[]
  >`SELECT CAST("updatedAt" AS TEXT) AS "updatedAt" FROM "ConversationState" WHERE "key" = ${written.key}`;
  await db.conversationState.delete({ where: { key: written.key } });
  if (probe?.updatedAt !== sqliteTime(written.updatedAt))
    throw new Error(`Prisma stores ${probe?.updatedAt}, the generator ${sqliteTime(written.updatedAt)}`);
  for (const table of TABLES) {
    const columns = await db.$queryRawUnsafe<{ name: string; type: string }[]>(`PRAGMA table_info("${table}")`);
    for (const { name } of columns.filter((column) => column.type === "DATETIME")) {
      const wrong = await count(
        db,
        `SELECT COUNT(*) AS n FROM "${table}" WHERE "${name}" IS NOT NULL AND "${name}" NOT GLOB '${DATETIME_GLOB}'`,
      );
      if (wrong > 0) throw new Error(`${table}.${name}: ${wrong} values not in Prisma's format`);
    }
  }
}
