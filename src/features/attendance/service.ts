import { Prisma, type Db } from "../../db.js";
import type { AttendanceStatus, Course, CourseCategory, CourseSession, Enrollment, Outcome } from "../../generated/prisma/client.js";
import { addDays, calendarDayOf, clockTimeOn, compareDays, startOfDay } from "../../time.js";
import type { Promotion } from "../appointments/waiting-list.js";
import { assertCanManage, findManagedCourse, leave, managedCourseWhere } from "../courses/service.js";
import { assertRole, hasRole, type Actor } from "../onboarding/roles.js";

/**
 * Attendance of course sessions and the outcomes of course participants.
 *
 * - Instructors mark the sessions of their own courses, from the session's day on and for
 *   EDIT_WINDOW_DAYS after its start; then it is locked for them. Managers mark any session, at
 *   any time after its day has begun.
 * - A session is *held* when it was not cancelled and its attendance was saved.
 * - A participant's attendance share is present ÷ countable sessions, where countable sessions
 *   are the held sessions since they joined, less those they were excused from. Not marked in a
 *   held session counts as absent.
 * - Once a course's last day has passed, closeEndedCourses decides the enrollments still active:
 *   completed at or above the course's threshold, dropped below it. What staff set by hand stays.
 */

type Tx = Prisma.TransactionClient;

export const EDIT_WINDOW_DAYS = 7;
const EDIT_WINDOW_MS = EDIT_WINDOW_DAYS * 86_400_000;

export const MARKS = ["present", "absent", "excused"] as const satisfies readonly AttendanceStatus[];
export const ENDED_STATUSES = ["completed", "dropped"] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];
export const LEAVING_OUTCOMES = ["apprenticeship", "employment", "further_schooling", "none_yet"] as const satisfies readonly Outcome[];

/** Courses whose placement is measured: their outcomes are asked at leaving and six months later. */
export const OUTCOME_CATEGORIES = ["vocational", "school_certificate"] as const satisfies readonly CourseCategory[];

export function asksForOutcome(category: CourseCategory): boolean {
  return (OUTCOME_CATEGORIES as readonly CourseCategory[]).includes(category);
}

/** Sessions that count: not cancelled, attendance saved. */
export const HELD_SESSION = { cancelledAt: null, attendanceTakenAt: { not: null } } satisfies Prisma.CourseSessionWhereInput;

/** Enrollments that took part in a course (not waiting, not withdrawn). */
const TAKING_PART = ["active", ...ENDED_STATUSES] as const;

// ───────────────────────────── who may mark when ─────────────────────────────

export type EditState = "editable" | "locked" | "not_yet" | "cancelled";

/** From this instant on, only managers may change the session's attendance. */
export function lockedFrom(session: Pick<CourseSession, "startsAt">): Date {
  return new Date(session.startsAt.getTime() + EDIT_WINDOW_MS);
}

/**
 * Whether `actor` may mark the session at `now`. The caller has checked that the actor may
 * manage the session's course (see assertCanManage).
 */
export function editState(actor: Actor, session: Pick<CourseSession, "startsAt" | "cancelledAt">, now: Date, timeZone: string): EditState {
  if (session.cancelledAt) return "cancelled";
  if (compareDays(calendarDayOf(session.startsAt, timeZone), calendarDayOf(now, timeZone)) > 0) return "not_yet";
  if (!hasRole(actor, "manager") && now >= lockedFrom(session)) return "locked";
  return "editable";
}

export interface SessionEntry {
  session: CourseSession;
  course: Course;
  state: EditState;
}

const MAX_SESSIONS_OFFERED = 30;

function startOfTomorrow(now: Date, timeZone: string): Date {
  return clockTimeOn(addDays(calendarDayOf(now, timeZone), 1), "00:00", timeZone);
}

/**
 * What /attendance offers: today's sessions (Berlin day) and the sessions of the last
 * EDIT_WINDOW_DAYS whose attendance is still missing; of the actor's courses, or all for managers.
 */
export async function sessionsToMark(db: Db, actor: Actor, now: Date, timeZone: string): Promise<SessionEntry[]> {
  assertRole(actor, "manager", "instructor");
  const today = startOfDay(now, timeZone);
  const sessions = await db.courseSession.findMany({
    where: {
      cancelledAt: null,
      course: managedCourseWhere(actor),
      OR: [{ startsAt: { gte: today, lt: startOfTomorrow(now, timeZone) } }, { startsAt: { gte: new Date(now.getTime() - EDIT_WINDOW_MS), lt: today }, attendanceTakenAt: null }],
    },
    include: { course: true },
    orderBy: [{ startsAt: "desc" }, { id: "asc" }],
    take: MAX_SESSIONS_OFFERED,
  });
  return sessions.reverse().map(({ course, ...session }) => ({ session, course, state: editState(actor, session, now, timeZone) }));
}

/** A course's sessions up to today, newest first, a page at a time. */
export async function pastSessions(db: Db, actor: Actor, courseId: number, now: Date, timeZone: string, page: number, pageSize: number) {
  const course = await findManagedCourse(db, actor, courseId);
  if (!course) return undefined;
  const where = { courseId, cancelledAt: null, startsAt: { lt: startOfTomorrow(now, timeZone) } };
  const [sessions, total] = await Promise.all([
    db.courseSession.findMany({ where, orderBy: [{ startsAt: "desc" }, { id: "asc" }], skip: page * pageSize, take: pageSize }),
    db.courseSession.count({ where }),
  ]);
  return { course, total, sessions: sessions.map((session): SessionEntry => ({ session, course, state: editState(actor, session, now, timeZone) })) };
}

// ───────────────────────────── the checklist ─────────────────────────────

export interface ChecklistPerson {
  enrollmentId: number;
  /** null when the person erased their data. */
  name: string | null;
  /** The saved mark, null when not marked yet. */
  mark: AttendanceStatus | null;
}

export type Refusal = Exclude<EditState, "editable"> | "not_found";

export type ChecklistResult = { outcome: "ok"; session: CourseSession; course: Course; people: ChecklistPerson[] } | { outcome: Refusal };

/**
 * Who belongs on a session's list: whoever already has a mark for it, and everyone who had
 * joined by its end and was still taking part when it began.
 */
function participantsOf(session: Pick<CourseSession, "id" | "courseId" | "startsAt" | "endsAt">): Prisma.EnrollmentWhereInput {
  return {
    courseId: session.courseId,
    OR: [
      { attendance: { some: { sessionId: session.id } } },
      {
        AND: [
          { OR: [{ enrolledAt: null }, { enrolledAt: { lte: session.endsAt } }] },
          { OR: [{ status: "active" }, { status: { in: [...ENDED_STATUSES] }, OR: [{ endedAt: null }, { endedAt: { gt: session.startsAt } }] }] },
        ],
      },
    ],
  };
}

async function loadSession(db: Db | Tx, actor: Actor, sessionId: number, now: Date, timeZone: string) {
  const session = await db.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
  if (!session) return { refusal: "not_found" as const };
  assertCanManage(actor, session.course);
  const state = editState(actor, session, now, timeZone);
  return state === "editable" ? { session } : { refusal: state };
}

/** The session's list with the saved marks, for marking; refused when the actor may not mark it now. */
export async function openChecklist(db: Db, actor: Actor, sessionId: number, now: Date, timeZone: string): Promise<ChecklistResult> {
  const loaded = await loadSession(db, actor, sessionId, now, timeZone);
  if (!loaded.session) return { outcome: loaded.refusal };
  const { course, ...session } = loaded.session;
  const enrollments = await db.enrollment.findMany({
    where: participantsOf(session),
    select: { id: true, fullName: true, attendance: { where: { sessionId }, select: { status: true } } },
  });
  const people = enrollments
    .sort(byName)
    .map((enrollment) => ({ enrollmentId: enrollment.id, name: enrollment.fullName, mark: enrollment.attendance[0]?.status ?? null }));
  return { outcome: "ok", session, course, people };
}

/** Lists of people are alphabetical, as on paper; erased people (no name) come first. */
function byName(a: Pick<Enrollment, "fullName" | "id">, b: Pick<Enrollment, "fullName" | "id">): number {
  return (a.fullName ?? "").localeCompare(b.fullName ?? "", "de") || a.id - b.id;
}

export interface Mark {
  enrollmentId: number;
  status: AttendanceStatus;
}

export type MarkCounts = Record<AttendanceStatus, number>;

export type SaveResult = { outcome: "saved"; session: CourseSession; course: Course; counts: MarkCounts } | { outcome: Refusal };

/**
 * Saves the marks of a session and sets attendanceTakenAt, in one transaction. Rules are checked
 * again (course, lock); marks for people who are not on the session's list are ignored; a mark
 * that did not change keeps who set it and when.
 */
export async function saveAttendance(db: Db, actor: Actor, sessionId: number, marks: readonly Mark[], now: Date, timeZone: string): Promise<SaveResult> {
  return db.$transaction(async (tx) => {
    const loaded = await loadSession(tx, actor, sessionId, now, timeZone);
    if (!loaded.session) return { outcome: loaded.refusal };
    const { course, ...session } = loaded.session;
    const [listed, saved] = await Promise.all([
      tx.enrollment.findMany({ where: participantsOf(session), select: { id: true } }),
      tx.attendance.findMany({ where: { sessionId } }),
    ]);
    const onList = new Set(listed.map((enrollment) => enrollment.id));
    const savedStatus = new Map(saved.map((row) => [row.enrollmentId, row.status]));
    for (const { enrollmentId, status } of marks) {
      if (!onList.has(enrollmentId) || savedStatus.get(enrollmentId) === status) continue;
      await tx.attendance.upsert({
        where: { sessionId_enrollmentId: { sessionId, enrollmentId } },
        create: { sessionId, enrollmentId, status, markedById: actor.id, markedAt: now },
        update: { status, markedById: actor.id, markedAt: now },
      });
      savedStatus.set(enrollmentId, status);
    }
    const taken = await tx.courseSession.update({ where: { id: sessionId }, data: { attendanceTakenAt: session.attendanceTakenAt ?? now } });
    await redecideClosingDecisions(tx, course);
    const counts: MarkCounts = { present: 0, absent: 0, excused: 0 };
    for (const status of savedStatus.values()) counts[status] += 1;
    return { outcome: "saved", session: taken, course, counts };
  });
}

// ───────────────────────────── attendance shares ─────────────────────────────

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

const NO_SESSIONS: AttendanceShare = { present: 0, excused: 0, held: 0, countable: 0 };

/** Every participant's attendance figures of one course, in one aggregate query. */
export async function attendanceShares(db: Db | Tx, courseId: number): Promise<Map<number, AttendanceShare>> {
  const rows = await db.$queryRaw<{ enrollmentId: number; held: number | bigint; present: number | bigint; excused: number | bigint }[]>`
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

// ───────────────────────────── closing ended courses ─────────────────────────────

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
export async function closeCourseNow(db: Db, actor: Actor, courseId: number, now: Date, timeZone: string): Promise<CloseNowResult> {
  assertRole(actor, "manager");
  const course = await db.course.findUnique({
    where: { id: courseId },
    select: { endsOn: true, attendanceThreshold: true, sessions: { where: HELD_SESSION, select: { id: true }, take: 1 }, _count: { select: { enrollments: { where: UNDECIDED } } } },
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
export function contradictsShare(enrollment: Pick<Enrollment, "status" | "statusSetByHand">, share: AttendanceShare, threshold: number): boolean {
  if (!enrollment.statusSetByHand || share.countable === 0 || (enrollment.status !== "completed" && enrollment.status !== "dropped")) return false;
  return decidedStatus(share, threshold) !== enrollment.status;
}

/**
 * After attendance of a closed course is corrected, the closing job's own decisions (not those
 * set by hand) are decided again by the same rule; endedAt stays.
 */
async function redecideClosingDecisions(tx: Tx, course: Pick<Course, "id" | "attendanceThreshold">): Promise<void> {
  const decided = await tx.enrollment.findMany({ where: { courseId: course.id, status: { in: [...ENDED_STATUSES] }, statusSetByHand: false }, select: { id: true, status: true } });
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
    const completed = undecided.filter(({ id }) => decidedStatus(shares.get(id), threshold) === "completed").map(({ id }) => id);
    const dropped = undecided.map(({ id }) => id).filter((id) => !completed.includes(id));
    for (const [status, ids] of [["completed", completed], ["dropped", dropped]] as const) {
      await tx.enrollment.updateMany({ where: { id: { in: ids }, ...UNDECIDED }, data: { status, endedAt: now } });
    }
    return { courseId, completed: completed.length, dropped: dropped.length };
  });
}

// ───────────────────────────── outcomes ─────────────────────────────

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
  const entries: OutcomeEntry[] = enrollments.sort(byName).map((enrollment) => ({ enrollment, share: shares.get(enrollment.id) ?? NO_SESSIONS }));
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
export async function recordOutcome(db: Db, actor: Actor, enrollmentId: number, choice: OutcomeChoice, now: Date): Promise<RecordOutcomeResult> {
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
    return { outcome: "recorded", enrollment: await tx.enrollment.findUniqueOrThrow({ where: { id: enrollmentId } }), course, promoted };
  });
}

// ───────────────────────────── six months after leaving ─────────────────────────────

/** Enrollments whose six-month status is asked: ended in a course that measures placement, not erased. */
export const FOLLOWED_UP = {
  status: { in: [...ENDED_STATUSES] },
  course: { category: { in: [...OUTCOME_CATEGORIES] } },
  person: { erasedAt: null },
} satisfies Prisma.EnrollmentWhereInput;

/** Records what a former participant does six months after leaving (answer to the reminder). */
export async function recordOutcomeAfterSixMonths(db: Db, actor: Actor, enrollmentId: number, outcome: Outcome) {
  const enrollment = await db.enrollment.findFirst({ where: { id: enrollmentId, ...FOLLOWED_UP }, include: { course: true } });
  if (!enrollment) return undefined;
  assertCanManage(actor, enrollment.course);
  return db.enrollment.update({ where: { id: enrollmentId }, data: { outcomeAfter6m: outcome }, include: { course: true } });
}
