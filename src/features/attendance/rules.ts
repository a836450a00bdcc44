import { Prisma, type Db } from "../../db.js";
import type { AttendanceStatus, CourseCategory, Enrollment, Outcome } from "../../generated/prisma/client.js";

/** What attendance counts: the statuses, which sessions are held, and a participant's attendance share. */

type Tx = Prisma.TransactionClient;

export const EDIT_WINDOW_DAYS = 7;

export const MARKS = ["present", "absent", "excused"] as const satisfies readonly AttendanceStatus[];
export const ENDED_STATUSES = ["completed", "dropped"] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];
export const LEAVING_OUTCOMES = [
  "apprenticeship",
  "employment",
  "further_schooling",
  "none_yet",
] as const satisfies readonly Outcome[];

/** Courses whose placement is measured: their outcomes are asked at leaving and six months later. */
export const OUTCOME_CATEGORIES = ["vocational", "school_certificate"] as const satisfies readonly CourseCategory[];

export function asksForOutcome(category: CourseCategory): boolean {
  return (OUTCOME_CATEGORIES as readonly CourseCategory[]).includes(category);
}

/** Sessions that count: not cancelled, attendance saved. */
export const HELD_SESSION = {
  cancelledAt: null,
  attendanceTakenAt: { not: null },
} satisfies Prisma.CourseSessionWhereInput;

/** Enrollments that took part in a course (not waiting, not withdrawn). */
export const TAKING_PART = ["active", ...ENDED_STATUSES] as const;

export interface AttendanceShare {
  present: number;
  excused: number;
  /** Held sessions since the person joined (and before they left, if they left early). */
  held: number;
  /** held − excused: the denominator of the share. */
  countable: number;
}

export function shareOf(figures: Pick<AttendanceShare, "present" | "countable">): number | undefined {
  return figures.countable > 0 ? figures.present / figures.countable : undefined;
}

/** At or above the threshold; nobody completes without a single countable session. */
export function reachesThreshold(figures: Pick<AttendanceShare, "present" | "countable">, threshold: number): boolean {
  const share = shareOf(figures);
  // A share equal to the threshold passes: 6 of 8 is 75 %, also when the division rounds.
  return share !== undefined && share >= threshold - 1e-9;
}

export const NO_SESSIONS: AttendanceShare = { present: 0, excused: 0, held: 0, countable: 0 };

/** Every participant's attendance figures of one course, in one aggregate query. */
export async function attendanceShares(db: Db | Tx, courseId: number): Promise<Map<number, AttendanceShare>> {
  const rows = await db.$queryRaw<
    { enrollmentId: number; held: number | bigint; present: number | bigint; excused: number | bigint }[]
  >`
    SELECT e."id" AS "enrollmentId",
      COUNT(s."id") AS "held",
      COALESCE(SUM(a."status" = 'present'), 0) AS "present",
      COALESCE(SUM(a."status" = 'excused'), 0) AS "excused"
    FROM "Enrollment" e
    LEFT JOIN "CourseSession" s ON s."courseId" = e."courseId"
      AND s."cancelledAt" IS NULL AND s."attendanceTakenAt" IS NOT NULL
      AND (e."enrolledAt" IS NULL OR e."enrolledAt" <= s."endsAt")
      AND (e."status" = 'active' OR e."endedAt" IS NULL OR s."startsAt" < e."endedAt")
    LEFT JOIN "Attendance" a ON a."sessionId" = s."id" AND a."enrollmentId" = e."id"
    WHERE e."courseId" = ${courseId} AND e."status" IN (${Prisma.join(TAKING_PART)})
    GROUP BY e."id"`;
  return new Map(
    rows.map((row) => {
      const [held, present, excused] = [Number(row.held), Number(row.present), Number(row.excused)];
      return [Number(row.enrollmentId), { held, present, excused, countable: held - excused }];
    }),
  );
}

/** Lists of people are alphabetical, as on paper; erased people (no name) come first. */
export function byName(a: Pick<Enrollment, "fullName" | "id">, b: Pick<Enrollment, "fullName" | "id">): number {
  return (a.fullName ?? "").localeCompare(b.fullName ?? "", "de") || a.id - b.id;
}
