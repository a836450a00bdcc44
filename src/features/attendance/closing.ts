import type { Db, Prisma } from "../../db.js";
import type { Course, Enrollment } from "../../generated/prisma/client.js";
import { startOfDay } from "../../time.js";
import { assertRole, type Actor } from "../../people/roles.js";
import {
  ENDED_STATUSES,
  HELD_SESSION,
  NO_SESSIONS,
  attendanceShares,
  reachesThreshold,
  type AttendanceShare,
  type EndedStatus,
} from "./rules.js";

/** Closing ended courses: undecided enrollments are decided by attendance, nightly or by a manager. */

type Tx = Prisma.TransactionClient;

export interface ClosingReport {
  closed: { courseId: number; completed: number; dropped: number }[];
  /** Ended courses left active because not one session has its attendance saved. */
  withoutAttendance: number[];
}

/** Filter on Course.endsOn: the course's last day is over (Berlin calendar), so it can be closed. */
export function lastDayPassed(now: Date, timeZone: string): { lt: Date } {
  return { lt: startOfDay(now, timeZone) };
}

/** Enrollments the closing job decides: still active and not set by hand. */
export const UNDECIDED = { status: "active", statusSetByHand: false } satisfies Prisma.EnrollmentWhereInput;

/**
 * The nightly closing: each course whose last day has passed and that still has undecided
 * enrollments gets them decided by attendance (see reachesThreshold), endedAt = now. A course
 * without any held session is left as it is (its staff are told by the attendance_missing
 * reminder). Running it again changes nothing.
 */
export async function closeEndedCourses(db: Db, now: Date, timeZone: string): Promise<ClosingReport> {
  const courses = await db.course.findMany({
    where: { endsOn: lastDayPassed(now, timeZone), enrollments: { some: UNDECIDED } },
    select: { id: true, attendanceThreshold: true, sessions: { where: HELD_SESSION, select: { id: true }, take: 1 } },
    orderBy: { id: "asc" },
  });
  const report: ClosingReport = { closed: [], withoutAttendance: [] };
  for (const course of courses) {
    if (course.sessions.length === 0) {
      report.withoutAttendance.push(course.id);
      continue;
    }
    report.closed.push(await closeCourseRun(db, course.id, course.attendanceThreshold, now));
  }
  return report;
}

export type CloseNowResult =
  | { outcome: "closed"; completed: number; dropped: number }
  /** The course's last day has not passed yet. */
  | { outcome: "not_ended" }
  /** Not one held session: nothing to decide by (record the attendance or the outcomes by hand). */
  | { outcome: "no_attendance" }
  /** Everyone is decided already. */
  | { outcome: "nothing_open" }
  | { outcome: "not_found" };

/** A manager closes one ended course right away, by the same rule as the nightly job. */
export async function closeCourseNow(
  db: Db,
  actor: Actor,
  courseId: number,
  now: Date,
  timeZone: string,
): Promise<CloseNowResult> {
  assertRole(actor, "manager");
  const course = await db.course.findUnique({
    where: { id: courseId },
    select: {
      endsOn: true,
      attendanceThreshold: true,
      sessions: { where: HELD_SESSION, select: { id: true }, take: 1 },
      _count: { select: { enrollments: { where: UNDECIDED } } },
    },
  });
  if (!course) return { outcome: "not_found" };
  if (!(course.endsOn < lastDayPassed(now, timeZone).lt)) return { outcome: "not_ended" };
  if (course._count.enrollments === 0) return { outcome: "nothing_open" };
  if (course.sessions.length === 0) return { outcome: "no_attendance" };
  const { completed, dropped } = await closeCourseRun(db, courseId, course.attendanceThreshold, now);
  return { outcome: "closed", completed, dropped };
}

/** The closing rule: completed at or above the threshold, dropped below it. */
export function decidedStatus(share: AttendanceShare | undefined, threshold: number): EndedStatus {
  return reachesThreshold(share ?? NO_SESSIONS, threshold) ? "completed" : "dropped";
}

/**
 * A decision staff set by hand that the attendance share (e.g. after a correction) no longer
 * supports. Without any countable session there is no share to contradict: such courses are
 * decided by hand on purpose.
 */
export function contradictsShare(
  enrollment: Pick<Enrollment, "status" | "statusSetByHand">,
  share: AttendanceShare,
  threshold: number,
): boolean {
  if (
    !enrollment.statusSetByHand ||
    share.countable === 0 ||
    (enrollment.status !== "completed" && enrollment.status !== "dropped")
  )
    return false;
  return decidedStatus(share, threshold) !== enrollment.status;
}

/**
 * After attendance of a closed course is corrected, the closing job's own decisions (not those
 * set by hand) are decided again by the same rule; endedAt stays.
 */
export async function redecideClosingDecisions(
  tx: Tx,
  course: Pick<Course, "id" | "attendanceThreshold">,
): Promise<void> {
  const decided = await tx.enrollment.findMany({
    where: { courseId: course.id, status: { in: [...ENDED_STATUSES] }, statusSetByHand: false },
    select: { id: true, status: true },
  });
  if (decided.length === 0) return;
  const shares = await attendanceShares(tx, course.id);
  for (const enrollment of decided) {
    const status = decidedStatus(shares.get(enrollment.id), course.attendanceThreshold);
    if (status !== enrollment.status) await tx.enrollment.update({ where: { id: enrollment.id }, data: { status } });
  }
}

async function closeCourseRun(db: Db, courseId: number, threshold: number, now: Date) {
  return db.$transaction(async (tx) => {
    const [shares, undecided] = await Promise.all([
      attendanceShares(tx, courseId),
      tx.enrollment.findMany({ where: { courseId, ...UNDECIDED }, select: { id: true } }),
    ]);
    const completed = undecided
      .filter(({ id }) => decidedStatus(shares.get(id), threshold) === "completed")
      .map(({ id }) => id);
    const dropped = undecided.map(({ id }) => id).filter((id) => !completed.includes(id));
    for (const [status, ids] of [
      ["completed", completed],
      ["dropped", dropped],
    ] as const) {
      await tx.enrollment.updateMany({ where: { id: { in: ids }, ...UNDECIDED }, data: { status, endedAt: now } });
    }
    return { courseId, completed: completed.length, dropped: dropped.length };
  });
}
