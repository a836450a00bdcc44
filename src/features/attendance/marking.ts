import type { Db, Prisma } from "../../db.js";
import type { AttendanceStatus, Course, CourseSession } from "../../generated/prisma/client.js";
import { addDays, calendarDayOf, clockTimeOn, compareDays, startOfDay } from "../../time.js";
import { assertCanManage, findManagedCourse, managedCourseWhere } from "../courses/service.js";
import { assertRole, hasRole, type Actor } from "../../people/roles.js";
import { redecideClosingDecisions } from "./closing.js";
import { EDIT_WINDOW_DAYS, ENDED_STATUSES, byName } from "./rules.js";

/** Taking attendance: who may mark which session when, the session's list, and saving the marks. */

type Tx = Prisma.TransactionClient;

const EDIT_WINDOW_MS = EDIT_WINDOW_DAYS * 86_400_000;

export type EditState = "editable" | "locked" | "not_yet" | "cancelled";

/** From this instant on, only managers may change the session's attendance. */
export function lockedFrom(session: Pick<CourseSession, "startsAt">): Date {
  return new Date(session.startsAt.getTime() + EDIT_WINDOW_MS);
}

/**
 * Whether `actor` may mark the session at `now`. The caller has checked that the actor may
 * manage the session's course (see assertCanManage).
 */
export function editState(
  actor: Actor,
  session: Pick<CourseSession, "startsAt" | "cancelledAt">,
  now: Date,
  timeZone: string,
): EditState {
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
      OR: [
        { startsAt: { gte: today, lt: startOfTomorrow(now, timeZone) } },
        { startsAt: { gte: new Date(now.getTime() - EDIT_WINDOW_MS), lt: today }, attendanceTakenAt: null },
      ],
    },
    include: { course: true },
    orderBy: [{ startsAt: "desc" }, { id: "asc" }],
    take: MAX_SESSIONS_OFFERED,
  });
  return sessions
    .reverse()
    .map(({ course, ...session }) => ({ session, course, state: editState(actor, session, now, timeZone) }));
}

/** A course's sessions up to today, newest first, a page at a time. */
export async function pastSessions(
  db: Db,
  actor: Actor,
  courseId: number,
  now: Date,
  timeZone: string,
  page: number,
  pageSize: number,
) {
  const course = await findManagedCourse(db, actor, courseId);
  if (!course) return undefined;
  const where = { courseId, cancelledAt: null, startsAt: { lt: startOfTomorrow(now, timeZone) } };
  const [sessions, total] = await Promise.all([
    db.courseSession.findMany({
      where,
      orderBy: [{ startsAt: "desc" }, { id: "asc" }],
      skip: page * pageSize,
      take: pageSize,
    }),
    db.courseSession.count({ where }),
  ]);
  return {
    course,
    total,
    sessions: sessions.map((session): SessionEntry => ({
      session,
      course,
      state: editState(actor, session, now, timeZone),
    })),
  };
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

export type ChecklistResult =
  { outcome: "ok"; session: CourseSession; course: Course; people: ChecklistPerson[] } | { outcome: Refusal };

/**
 * Who belongs on a session's list: whoever already has a mark for it, and everyone who had
 * joined by its end and was still taking part when it began.
 */
function participantsOf(
  session: Pick<CourseSession, "id" | "courseId" | "startsAt" | "endsAt">,
): Prisma.EnrollmentWhereInput {
  return {
    courseId: session.courseId,
    OR: [
      { attendance: { some: { sessionId: session.id } } },
      {
        AND: [
          { OR: [{ enrolledAt: null }, { enrolledAt: { lte: session.endsAt } }] },
          {
            OR: [
              { status: "active" },
              { status: { in: [...ENDED_STATUSES] }, OR: [{ endedAt: null }, { endedAt: { gt: session.startsAt } }] },
            ],
          },
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

/** A session's course and start, for the text of a refusal; undefined when it does not exist. */
export async function sessionTime(
  db: Db,
  sessionId: number,
): Promise<Pick<CourseSession, "courseId" | "startsAt"> | undefined> {
  return (
    (await db.courseSession.findUnique({ where: { id: sessionId }, select: { courseId: true, startsAt: true } })) ??
    undefined
  );
}

/** The session's list with the saved marks, for marking; refused when the actor may not mark it now. */
export async function openChecklist(
  db: Db,
  actor: Actor,
  sessionId: number,
  now: Date,
  timeZone: string,
): Promise<ChecklistResult> {
  const loaded = await loadSession(db, actor, sessionId, now, timeZone);
  if (!loaded.session) return { outcome: loaded.refusal };
  const { course, ...session } = loaded.session;
  const enrollments = await db.enrollment.findMany({
    where: participantsOf(session),
    select: { id: true, fullName: true, attendance: { where: { sessionId }, select: { status: true } } },
  });
  const people = enrollments.sort(byName).map((enrollment) => ({
    enrollmentId: enrollment.id,
    name: enrollment.fullName,
    mark: enrollment.attendance[0]?.status ?? null,
  }));
  return { outcome: "ok", session, course, people };
}
export interface Mark {
  enrollmentId: number;
  status: AttendanceStatus;
}

export type MarkCounts = Record<AttendanceStatus, number>;

export type SaveResult =
  { outcome: "saved"; session: CourseSession; course: Course; counts: MarkCounts } | { outcome: Refusal };

/**
 * Saves the marks of a session and sets attendanceTakenAt, in one transaction. Rules are checked
 * again (course, lock); marks for people who are not on the session's list are ignored; a mark
 * that did not change keeps who set it and when.
 */
export async function saveAttendance(
  db: Db,
  actor: Actor,
  sessionId: number,
  marks: readonly Mark[],
  now: Date,
  timeZone: string,
): Promise<SaveResult> {
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
    const taken = await tx.courseSession.update({
      where: { id: sessionId },
      data: { attendanceTakenAt: session.attendanceTakenAt ?? now },
    });
    await redecideClosingDecisions(tx, course);
    const counts: MarkCounts = { present: 0, absent: 0, excused: 0 };
    for (const status of savedStatus.values()) counts[status] += 1;
    return { outcome: "saved", session: taken, course, counts };
  });
}
