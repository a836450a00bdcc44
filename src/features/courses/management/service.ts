import type { Db, Prisma } from "../../../db.js";
import type { Course, CourseCategory, CourseSession } from "../../../generated/prisma/client.js";
import type { CalendarDay } from "../../../time.js";
import type { EditableField } from "../../appointments/fields.js";
import { promoteWaiting, type Promotion } from "../../appointments/waiting-list.js";
import { assertRole, type Actor } from "../../../people/roles.js";
import { weeklySessions, type WeeklySlot } from "../schedule.js";
import { recipientOf, type Recipient } from "../../../people/recipient.js";
import { assertCanManage, findManagedCourse, leave, seatsOf, type LeaveResult } from "../service.js";

type Tx = Prisma.TransactionClient;

/**
 * What managers and instructors do with courses: create and change them, hand them to an
 * instructor, cancel and move sessions, take people off and close a course. Who may do what is
 * checked here (see canManage in ../service.ts), whatever the buttons showed.
 */

/** The most instructors offered to choose from. */
const MAX_INSTRUCTORS = 40;

// ───────────────────────────── reading ─────────────────────────────

export async function participants(db: Db, actor: Actor, courseId: number) {
  const course = await findManagedCourse(db, actor, courseId);
  if (!course) return undefined;
  const enrollments = await db.enrollment.findMany({
    where: { courseId, status: { in: ["active", "waitlisted"] } },
    include: { person: { select: { firstName: true, lastName: true } } },
    orderBy: [{ status: "asc" }, { requestedAt: "asc" }, { id: "asc" }],
  });
  return {
    course,
    active: enrollments.filter((enrollment) => enrollment.status === "active"),
    waitlisted: enrollments.filter((enrollment) => enrollment.status === "waitlisted"),
  };
}

/** People holding the instructor role, to choose from; erased people are left out. */
export async function instructorChoices(
  db: Db,
): Promise<{ id: number; firstName: string | null; lastName: string | null }[]> {
  return db.person.findMany({
    where: { roles: { some: { role: "instructor" } }, erasedAt: null },
    select: { id: true, firstName: true, lastName: true },
    take: MAX_INSTRUCTORS,
  });
}

/** The name of the person chosen as instructor, for the summary of a new course. */
export async function instructorName(
  db: Db,
  personId: number,
): Promise<{ firstName: string | null; lastName: string | null } | null> {
  return db.person.findUnique({ where: { id: personId }, select: { firstName: true, lastName: true } });
}

/** A session that is not cancelled, with its course; undefined when it is gone. */
export async function findLiveSession(
  db: Db,
  sessionId: number,
): Promise<(CourseSession & { course: Course }) | undefined> {
  const session = await db.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
  return session && !session.cancelledAt ? session : undefined;
}

// ───────────────────────────── changing ─────────────────────────────

/** A manager (or the course's instructor) takes someone off a course; promotion runs as on withdrawal. */
export async function removeParticipant(
  db: Db,
  actor: Actor,
  enrollmentId: number,
  now: Date,
): Promise<LeaveResult & { removed?: Recipient; course?: Course }> {
  return db.$transaction(async (tx) => {
    const enrollment = await tx.enrollment.findUnique({
      where: { id: enrollmentId },
      include: { course: true, person: true },
    });
    if (!enrollment) return { outcome: "not_found" };
    assertCanManage(actor, enrollment.course);
    const result = await leave(tx, enrollment, now);
    return result.outcome === "left"
      ? { ...result, removed: recipientOf(enrollment.person), course: enrollment.course }
      : result;
  });
}

export interface CourseInput {
  titleDe: string;
  titleRu: string;
  descriptionDe: string;
  descriptionRu: string;
  category: CourseCategory;
  capacity: number;
  attendanceThreshold: number;
  place: string;
  instructorId: number | null;
  firstDay: CalendarDay;
  lastDay: CalendarDay;
  weekly: WeeklySlot[];
}

/** Creates a course and its sessions from a weekly schedule, in one transaction. */
export async function createCourse(db: Db, actor: Actor, input: CourseInput, timeZone: string): Promise<Course> {
  return db.$transaction((tx) => insertCourse(tx, actor, input, timeZone));
}

/** createCourse inside a transaction the caller already holds (e.g. an import of many courses, which gives each its key). */
export async function insertCourse(
  tx: Tx,
  actor: Actor,
  input: CourseInput,
  timeZone: string,
  importKey: string | null = null,
): Promise<Course> {
  assertRole(actor, "manager");
  const sessions = weeklySessions(input.firstDay, input.lastDay, input.weekly, timeZone);
  const first = sessions[0];
  const last = sessions.at(-1);
  if (!first || !last) throw new Error("the weekly schedule has no session between the first and the last day");
  const { firstDay: _firstDay, lastDay: _lastDay, weekly: _weekly, ...fields } = input;
  const course = await tx.course.create({
    data: { ...fields, importKey, startsOn: first.startsAt, endsOn: last.endsAt },
  });
  await tx.courseSession.createMany({ data: sessions.map((session) => ({ ...session, courseId: course.id })) });
  return course;
}

/** Changes one field of a course; a raised capacity lets people move up from the waiting list. */
export async function updateCourse(
  db: Db,
  actor: Actor,
  courseId: number,
  change: { field: EditableField; value: string | number },
  now: Date,
): Promise<{ course: Course; promoted: Promotion[] } | undefined> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const existing = await tx.course.findUnique({ where: { id: courseId } });
    if (!existing) return undefined;
    const course = await tx.course.update({ where: { id: courseId }, data: { [change.field]: change.value } });
    return { course, promoted: await promoteWaiting(seatsOf(tx, courseId, now)) };
  });
}

export type InstructorChange =
  { outcome: "changed"; course: Course } | { outcome: "not_instructor" } | { outcome: "not_found" };

/** A manager hands a course to another instructor (a person holding that role), or to nobody. */
export async function setCourseInstructor(
  db: Db,
  actor: Actor,
  courseId: number,
  instructorId: number | null,
): Promise<InstructorChange> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    if (!(await tx.course.findUnique({ where: { id: courseId } }))) return { outcome: "not_found" };
    if (
      instructorId !== null &&
      (await tx.person.count({
        where: { id: instructorId, erasedAt: null, roles: { some: { role: "instructor" } } },
      })) === 0
    ) {
      return { outcome: "not_instructor" };
    }
    return { outcome: "changed", course: await tx.course.update({ where: { id: courseId }, data: { instructorId } }) };
  });
}

/** A session that changed: its unsent reminders are dropped and its active participants returned, to be told. */
async function dropRemindersAndFindParticipants(tx: Tx, session: CourseSession, now: Date): Promise<Recipient[]> {
  await tx.reminder.updateMany({
    where: { sessionId: session.id, sentAt: null, cancelledAt: null },
    data: { cancelledAt: now },
  });
  const enrollments = await tx.enrollment.findMany({
    where: { courseId: session.courseId, status: "active" },
    include: { person: true },
  });
  return enrollments.map((enrollment) => recipientOf(enrollment.person));
}

/** Cancels a session: its reminders are dropped and the people taking part are returned to be told. */
export async function cancelSession(db: Db, actor: Actor, sessionId: number, now: Date) {
  return db.$transaction(async (tx) => {
    const session = await tx.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
    if (!session || session.cancelledAt || session.startsAt < now) return undefined;
    assertCanManage(actor, session.course);
    const cancelled = await tx.courseSession.update({
      where: { id: sessionId },
      data: { cancelledAt: now, sequence: { increment: 1 } },
    });
    return {
      session: cancelled,
      course: session.course,
      recipients: await dropRemindersAndFindParticipants(tx, cancelled, now),
    };
  });
}

export type SessionMove =
  | { outcome: "moved"; session: CourseSession; previous: CourseSession; course: Course; recipients: Recipient[] }
  | { outcome: "gone" }
  | { outcome: "in_past" };

/**
 * Moves one future session to another time: unsent reminders are dropped (the reminder job plans
 * new ones for the new time, the raised sequence gives them new keys) and the people taking part
 * are returned to be told.
 */
export async function moveSession(
  db: Db,
  actor: Actor,
  sessionId: number,
  to: { startsAt: Date; endsAt: Date },
  now: Date,
): Promise<SessionMove> {
  if (to.endsAt <= to.startsAt) throw new RangeError("a session ends after it starts");
  return db.$transaction(async (tx) => {
    const previous = await tx.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
    if (!previous || previous.cancelledAt || previous.startsAt < now) return { outcome: "gone" };
    assertCanManage(actor, previous.course);
    if (to.startsAt <= now) return { outcome: "in_past" };
    const session = await tx.courseSession.update({
      where: { id: sessionId },
      data: { startsAt: to.startsAt, endsAt: to.endsAt, sequence: { increment: 1 } },
    });
    const recipients = await dropRemindersAndFindParticipants(tx, session, now);
    const { course, ...before } = previous;
    return { outcome: "moved", session, previous: before, course, recipients };
  });
}

/** Closes a course for new registrations; the waiting list is released and told. */
export async function closeCourse(db: Db, actor: Actor, courseId: number, now: Date) {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const course = await tx.course.findUnique({ where: { id: courseId } });
    if (!course || course.status === "closed") return undefined;
    const closed = await tx.course.update({ where: { id: courseId }, data: { status: "closed", closedAt: now } });
    const waiting = await tx.enrollment.findMany({
      where: { courseId, status: "waitlisted" },
      include: { person: true },
    });
    await tx.enrollment.updateMany({
      where: { courseId, status: "waitlisted" },
      data: { status: "withdrawn", endedAt: now },
    });
    return { course: closed, released: waiting.map((enrollment) => recipientOf(enrollment.person)) };
  });
}
