import type { Db, Prisma } from "../../db.js";
import type { Course, Enrollment, Outcome } from "../../generated/prisma/client.js";
import type { Promotion } from "../appointments/waiting-list.js";
import { assertCanManage, findManagedCourse, leave } from "../courses/service.js";
import type { Actor } from "../../people/roles.js";
import {
  ENDED_STATUSES,
  NO_SESSIONS,
  OUTCOME_CATEGORIES,
  TAKING_PART,
  asksForOutcome,
  attendanceShares,
  byName,
  type AttendanceShare,
  type EndedStatus,
} from "./rules.js";

/** How participants left a course (completed or dropped, with the outcome) and where they are six months later. */

/** The last session is over: completion can be decided. */
export function courseHasEnded(course: Pick<Course, "endsOn">, now: Date): boolean {
  return now >= course.endsOn;
}

export interface OutcomeEntry {
  enrollment: Enrollment;
  share: AttendanceShare;
}

/** The participants of a course with their status and attendance, by name. */
export async function courseOutcomes(db: Db, actor: Actor, courseId: number) {
  const course = await findManagedCourse(db, actor, courseId);
  if (!course) return undefined;
  const [enrollments, shares] = await Promise.all([
    db.enrollment.findMany({ where: { courseId, status: { in: [...TAKING_PART] } } }),
    attendanceShares(db, courseId),
  ]);
  const entries: OutcomeEntry[] = enrollments
    .sort(byName)
    .map((enrollment) => ({ enrollment, share: shares.get(enrollment.id) ?? NO_SESSIONS }));
  return { course, entries };
}

/** One participant with their course and attendance, for the outcome screen. */
export async function participantOutcome(db: Db, actor: Actor, enrollmentId: number) {
  const enrollment = await db.enrollment.findUnique({ where: { id: enrollmentId }, include: { course: true } });
  if (!enrollment || !(TAKING_PART as readonly string[]).includes(enrollment.status)) return undefined;
  assertCanManage(actor, enrollment.course);
  const share = (await attendanceShares(db, enrollment.courseId)).get(enrollmentId) ?? NO_SESSIONS;
  return { enrollment, course: enrollment.course, share };
}

export interface OutcomeChoice {
  status: EndedStatus;
  /** Stored for vocational and school-certificate courses only. */
  outcome: Outcome | null;
}

export type RecordOutcomeResult =
  | { outcome: "recorded"; enrollment: Enrollment; course: Course; promoted: Promotion | undefined }
  | { outcome: "not_found" }
  /** Completed can be recorded only once the course is over; before, only a dropout. */
  | { outcome: "not_ended" };

/**
 * Staff record how a participant left: completed (after the course) or dropped (at any time),
 * with the outcome for courses that measure placement. Marked as set by hand, so the closing job
 * leaves it. A dropout during the course frees the seat for the waiting list.
 */
export async function recordOutcome(
  db: Db,
  actor: Actor,
  enrollmentId: number,
  choice: OutcomeChoice,
  now: Date,
): Promise<RecordOutcomeResult> {
  return db.$transaction(async (tx) => {
    const enrollment = await tx.enrollment.findUnique({ where: { id: enrollmentId }, include: { course: true } });
    if (!enrollment || !(TAKING_PART as readonly string[]).includes(enrollment.status)) return { outcome: "not_found" };
    const { course } = enrollment;
    assertCanManage(actor, course);
    const outcomeAtLeaving = asksForOutcome(course.category) ? choice.outcome : null;
    const ended = courseHasEnded(course, now);
    if (!ended && choice.status !== "dropped") return { outcome: "not_ended" };
    let promoted: Promotion | undefined;
    if (!ended && enrollment.status === "active") {
      const left = await leave(tx, enrollment, now, { status: "dropped", statusSetByHand: true, outcomeAtLeaving });
      promoted = left.outcome === "left" ? left.promoted : undefined;
    } else {
      await tx.enrollment.update({
        where: { id: enrollmentId },
        data: { status: choice.status, statusSetByHand: true, outcomeAtLeaving, endedAt: enrollment.endedAt ?? now },
      });
    }
    return {
      outcome: "recorded",
      enrollment: await tx.enrollment.findUniqueOrThrow({ where: { id: enrollmentId } }),
      course,
      promoted,
    };
  });
}

/** Enrollments whose six-month status is asked: ended in a course that measures placement, not erased. */
export const FOLLOWED_UP = {
  status: { in: [...ENDED_STATUSES] },
  course: { category: { in: [...OUTCOME_CATEGORIES] } },
  person: { erasedAt: null },
} satisfies Prisma.EnrollmentWhereInput;

/** Records what a former participant does six months after leaving (answer to the reminder). */
export async function recordOutcomeAfterSixMonths(db: Db, actor: Actor, enrollmentId: number, outcome: Outcome) {
  const enrollment = await db.enrollment.findFirst({
    where: { id: enrollmentId, ...FOLLOWED_UP },
    include: { course: true },
  });
  if (!enrollment) return undefined;
  assertCanManage(actor, enrollment.course);
  return db.enrollment.update({
    where: { id: enrollmentId },
    data: { outcomeAfter6m: outcome },
    include: { course: true },
  });
}
