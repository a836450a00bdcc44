import type { Db, Prisma } from "../../db.js";
import type { Course, CourseCategory, CourseSession, Enrollment, GermanLevel, Outcome } from "../../generated/prisma/client.js";
import { assertRole, hasRole, type Actor } from "../onboarding/roles.js";
import { weeklySessions, type WeeklySlot } from "./schedule.js";
import type { CalendarDay } from "../../time.js";
import type { EditableField } from "../../bot/wizard.js";
import { recipientOf, type Recipient } from "../../people/recipient.js";

type Tx = Prisma.TransactionClient;

export const COURSE_CATEGORIES = ["language", "vocational", "school_certificate", "other"] as const satisfies readonly CourseCategory[];
export const GERMAN_LEVELS = ["A0", "A1", "A2", "B1", "B2", "C1"] as const satisfies readonly GermanLevel[];

export interface CourseSummary {
  course: Course;
  activeCount: number;
  waitlistCount: number;
  seatsLeft: number;
  nextSessions: CourseSession[];
}

// ───────────────────────────── reading ─────────────────────────────

const NEXT_SESSIONS_SHOWN = 3;

/** Open courses of a category, those starting soonest first; `page` counts from 0. */
export async function listOpenCourses(db: Db, category: CourseCategory, page: number, pageSize: number, now: Date) {
  const where = { status: "open" as const, category, endsOn: { gte: now } };
  const [courses, total] = await Promise.all([
    db.course.findMany({ where, orderBy: [{ startsOn: "asc" }, { id: "asc" }], skip: page * pageSize, take: pageSize }),
    db.course.count({ where }),
  ]);
  return { courses, total };
}

/** How many open courses each category has, so empty categories can be marked. */
export async function openCourseCounts(db: Db, now: Date): Promise<Record<CourseCategory, number>> {
  const groups = await db.course.groupBy({ by: ["category"], where: { status: "open", endsOn: { gte: now } }, _count: true });
  const counts = Object.fromEntries(COURSE_CATEGORIES.map((category) => [category, 0])) as Record<CourseCategory, number>;
  for (const group of groups) counts[group.category] = group._count;
  return counts;
}

export async function getCourseSummary(db: Db, courseId: number, now: Date): Promise<CourseSummary | undefined> {
  const course = await db.course.findUnique({ where: { id: courseId } });
  if (!course) return undefined;
  const [activeCount, waitlistCount, nextSessions] = await Promise.all([
    db.enrollment.count({ where: { courseId, status: "active" } }),
    db.enrollment.count({ where: { courseId, status: "waitlisted" } }),
    db.courseSession.findMany({
      where: { courseId, cancelledAt: null, startsAt: { gte: now } },
      orderBy: { startsAt: "asc" },
      take: NEXT_SESSIONS_SHOWN,
    }),
  ]);
  return { course, activeCount, waitlistCount, seatsLeft: Math.max(0, course.capacity - activeCount), nextSessions };
}

export async function upcomingSessions(db: Db, courseId: number, now: Date): Promise<CourseSession[]> {
  return db.courseSession.findMany({ where: { courseId, cancelledAt: null, endsAt: { gte: now } }, orderBy: { startsAt: "asc" } });
}

/** Sessions for the .ics file: cancelled ones stay, so calendars that imported them mark them cancelled. */
export async function calendarSessions(db: Db, courseId: number, now: Date): Promise<CourseSession[]> {
  return db.courseSession.findMany({ where: { courseId, endsAt: { gte: now } }, orderBy: { startsAt: "asc" } });
}

export interface MyCourse {
  enrollment: Enrollment;
  course: Course;
  nextSession: CourseSession | undefined;
  /** 1-based place on the waiting list, for waitlisted enrollments. */
  waitlistPosition: number | undefined;
}

/** The person's current and waitlisted courses, with the next session of each. */
export async function myCourses(db: Db, personId: number, now: Date): Promise<MyCourse[]> {
  const enrollments = await db.enrollment.findMany({
    where: { personId, status: { in: ["active", "waitlisted"] } },
    include: { course: { include: { sessions: { where: { cancelledAt: null, startsAt: { gte: now } }, orderBy: { startsAt: "asc" }, take: 1 } } } },
    orderBy: { course: { startsOn: "asc" } },
  });
  return Promise.all(
    enrollments.map(async ({ course: { sessions, ...course }, ...enrollment }) => ({
      enrollment,
      course,
      nextSession: sessions[0],
      waitlistPosition: enrollment.status === "waitlisted" ? await waitlistPosition(db, enrollment) : undefined,
    })),
  );
}

async function waitlistPosition(db: Db | Tx, enrollment: Pick<Enrollment, "courseId" | "requestedAt" | "id">): Promise<number> {
  const ahead = await db.enrollment.count({
    where: {
      courseId: enrollment.courseId,
      status: "waitlisted",
      OR: [{ requestedAt: { lt: enrollment.requestedAt } }, { requestedAt: enrollment.requestedAt, id: { lt: enrollment.id } }],
    },
  });
  return ahead + 1;
}

// ───────────────────────────── registering and leaving ─────────────────────────────

export interface RegistrationInput {
  courseId: number;
  personId: number;
  fullName: string;
  phone: string | undefined;
  germanLevel: GermanLevel | undefined;
}

export type RegistrationResult =
  | { outcome: "enrolled"; enrollment: Enrollment }
  | { outcome: "waitlisted"; enrollment: Enrollment; position: number }
  | { outcome: "already_registered"; enrollment: Enrollment }
  | { outcome: "unavailable" };

/**
 * Registers a person in one transaction: a seat while there is one, the waiting list otherwise.
 * Capacity holds because SQLite runs write transactions one at a time; that the first to press
 * gets the seat is the caller's part (the bot runs this in its update's turn, see ArrivalOrder).
 * A withdrawn person may register again (at the back).
 */
export async function register(db: Db, input: RegistrationInput, now: Date): Promise<RegistrationResult> {
  return db.$transaction(async (tx) => {
    const course = await tx.course.findUnique({ where: { id: input.courseId } });
    if (!course || course.status !== "open" || course.endsOn < now) return { outcome: "unavailable" };
    const existing = await tx.enrollment.findUnique({ where: { courseId_personId: { courseId: input.courseId, personId: input.personId } } });
    if (existing && (existing.status === "active" || existing.status === "waitlisted")) {
      return { outcome: "already_registered", enrollment: existing };
    }
    const active = await tx.enrollment.count({ where: { courseId: input.courseId, status: "active" } });
    const status = active < course.capacity ? "active" : "waitlisted";
    const data = {
      status,
      requestedAt: now,
      enrolledAt: status === "active" ? now : null,
      endedAt: null,
      fullName: input.fullName,
      phone: input.phone ?? null,
      germanLevel: input.germanLevel ?? null,
    } as const;
    // Reminders cancelled when the person left would block the new ones by their dedupe key.
    if (existing) await tx.reminder.deleteMany({ where: { enrollmentId: existing.id, sentAt: null } });
    const enrollment = existing
      ? await tx.enrollment.update({ where: { id: existing.id }, data })
      : await tx.enrollment.create({ data: { ...data, courseId: input.courseId, personId: input.personId } });
    if (status === "active") return { outcome: "enrolled", enrollment };
    return { outcome: "waitlisted", enrollment, position: await waitlistPosition(tx, enrollment) };
  });
}

export interface Promotion {
  enrollmentId: number;
  courseId: number;
  recipient: Recipient;
}

export type LeaveResult = { outcome: "left"; promoted: Promotion | undefined } | { outcome: "not_found" };

/** The person leaves a course or its waiting list; a freed seat goes to the first on the list. */
export async function withdraw(db: Db, personId: number, enrollmentId: number, now: Date): Promise<LeaveResult> {
  return db.$transaction(async (tx) => {
    const enrollment = await tx.enrollment.findUnique({ where: { id: enrollmentId } });
    if (!enrollment || enrollment.personId !== personId) return { outcome: "not_found" };
    return leave(tx, enrollment, now);
  });
}

/** A manager (or the course's instructor) takes someone off a course; promotion runs as on withdrawal. */
export async function removeParticipant(db: Db, actor: Actor, enrollmentId: number, now: Date): Promise<LeaveResult & { removed?: Recipient }> {
  return db.$transaction(async (tx) => {
    const enrollment = await tx.enrollment.findUnique({ where: { id: enrollmentId }, include: { course: true, person: true } });
    if (!enrollment) return { outcome: "not_found" };
    assertCanManage(actor, enrollment.course);
    const result = await leave(tx, enrollment, now);
    return result.outcome === "left" ? { ...result, removed: recipientOf(enrollment.person) } : result;
  });
}

/** How a seat ends: withdrawn by default; a dropout recorded by staff also carries its outcome. */
export type Ending = { status: "withdrawn" } | { status: "dropped"; statusSetByHand: true; outcomeAtLeaving: Outcome | null };

/**
 * Ends a seat or a place on the waiting list: its reminders stop and a freed seat goes to the
 * first person waiting. Runs inside the caller's transaction.
 */
export async function leave(tx: Tx, enrollment: Enrollment, now: Date, ending: Ending = { status: "withdrawn" }): Promise<LeaveResult> {
  if (enrollment.status !== "active" && enrollment.status !== "waitlisted") return { outcome: "not_found" };
  await tx.enrollment.update({ where: { id: enrollment.id }, data: { ...ending, endedAt: now } });
  await tx.reminder.updateMany({ where: { enrollmentId: enrollment.id, sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
  const promoted = enrollment.status === "active" ? await promoteFirstWaiting(tx, enrollment.courseId, now) : undefined;
  return { outcome: "left", promoted };
}

async function promoteFirstWaiting(tx: Tx, courseId: number, now: Date): Promise<Promotion | undefined> {
  const course = await tx.course.findUniqueOrThrow({ where: { id: courseId } });
  const active = await tx.enrollment.count({ where: { courseId, status: "active" } });
  if (active >= course.capacity || course.status !== "open") return undefined;
  const next = await tx.enrollment.findFirst({
    where: { courseId, status: "waitlisted" },
    orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    include: { person: true },
  });
  if (!next) return undefined;
  await tx.enrollment.update({ where: { id: next.id }, data: { status: "active", enrolledAt: now } });
  return { enrollmentId: next.id, courseId, recipient: recipientOf(next.person) };
}


export async function setCourseReminders(db: Db, personId: number, enabled: boolean): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { courseReminders: enabled } });
}

// ───────────────────────────── managing ─────────────────────────────

/** Managers manage every course; instructors only their own. */
export function canManage(actor: Actor, course: Pick<Course, "instructorId">): boolean {
  return hasRole(actor, "manager") || (hasRole(actor, "instructor") && course.instructorId === actor.id);
}

export function assertCanManage(actor: Actor, course: Pick<Course, "instructorId">): void {
  if (!canManage(actor, course)) assertRole(actor, "manager");
}

/** Which courses a manager or instructor may manage, as a filter: all for managers, their own for instructors. */
export function managedCourseWhere(actor: Actor): Prisma.CourseWhereInput {
  return hasRole(actor, "manager") ? {} : { instructorId: actor.id };
}

/** The courses a person may manage: all for managers, their own for instructors. */
export async function managedCourses(db: Db, actor: Actor) {
  if (!hasRole(actor, "manager", "instructor")) return [];
  return db.course.findMany({
    where: managedCourseWhere(actor),
    orderBy: [{ status: "asc" }, { startsOn: "desc" }],
  });
}

/** A course the actor may manage; undefined when it does not exist, ForbiddenError when it is not theirs. */
export async function findManagedCourse(db: Db, actor: Actor, courseId: number): Promise<Course | undefined> {
  const course = await db.course.findUnique({ where: { id: courseId } });
  if (course) assertCanManage(actor, course);
  return course ?? undefined;
}

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
export async function insertCourse(tx: Tx, actor: Actor, input: CourseInput, timeZone: string, importKey: string | null = null): Promise<Course> {
  assertRole(actor, "manager");
  const sessions = weeklySessions(input.firstDay, input.lastDay, input.weekly, timeZone);
  const first = sessions[0];
  const last = sessions.at(-1);
  if (!first || !last) throw new Error("the weekly schedule has no session between the first and the last day");
  const { firstDay: _firstDay, lastDay: _lastDay, weekly: _weekly, ...fields } = input;
  const course = await tx.course.create({ data: { ...fields, importKey, startsOn: first.startsAt, endsOn: last.endsAt } });
  await tx.courseSession.createMany({ data: sessions.map((session) => ({ ...session, courseId: course.id })) });
  return course;
}

export type EditableCourseField = EditableField;

/** Changes one field of a course; a raised capacity lets people move up from the waiting list. */
export async function updateCourse(
  db: Db,
  actor: Actor,
  courseId: number,
  change: { field: EditableCourseField; value: string | number },
  now: Date,
): Promise<{ course: Course; promoted: Promotion[] } | undefined> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const existing = await tx.course.findUnique({ where: { id: courseId } });
    if (!existing) return undefined;
    const course = await tx.course.update({ where: { id: courseId }, data: { [change.field]: change.value } });
    const promoted: Promotion[] = [];
    for (let promotion = await promoteFirstWaiting(tx, courseId, now); promotion; promotion = await promoteFirstWaiting(tx, courseId, now)) {
      promoted.push(promotion);
    }
    return { course, promoted };
  });
}

export type InstructorChange = { outcome: "changed"; course: Course } | { outcome: "not_instructor" } | { outcome: "not_found" };

/** A manager hands a course to another instructor (a person holding that role), or to nobody. */
export async function setCourseInstructor(db: Db, actor: Actor, courseId: number, instructorId: number | null): Promise<InstructorChange> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    if (!(await tx.course.findUnique({ where: { id: courseId } }))) return { outcome: "not_found" };
    if (instructorId !== null && (await tx.person.count({ where: { id: instructorId, erasedAt: null, roles: { some: { role: "instructor" } } } })) === 0) {
      return { outcome: "not_instructor" };
    }
    return { outcome: "changed", course: await tx.course.update({ where: { id: courseId }, data: { instructorId } }) };
  });
}

/** A session that changed: its unsent reminders are dropped and its active participants returned, to be told. */
async function dropRemindersAndFindParticipants(tx: Tx, session: CourseSession, now: Date): Promise<Recipient[]> {
  await tx.reminder.updateMany({ where: { sessionId: session.id, sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
  const enrollments = await tx.enrollment.findMany({ where: { courseId: session.courseId, status: "active" }, include: { person: true } });
  return enrollments.map((enrollment) => recipientOf(enrollment.person));
}

/** Cancels a session: its reminders are dropped and the people taking part are returned to be told. */
export async function cancelSession(db: Db, actor: Actor, sessionId: number, now: Date) {
  return db.$transaction(async (tx) => {
    const session = await tx.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
    if (!session || session.cancelledAt || session.startsAt < now) return undefined;
    assertCanManage(actor, session.course);
    const cancelled = await tx.courseSession.update({ where: { id: sessionId }, data: { cancelledAt: now, sequence: { increment: 1 } } });
    return { session: cancelled, course: session.course, recipients: await dropRemindersAndFindParticipants(tx, cancelled, now) };
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
export async function moveSession(db: Db, actor: Actor, sessionId: number, to: { startsAt: Date; endsAt: Date }, now: Date): Promise<SessionMove> {
  if (to.endsAt <= to.startsAt) throw new RangeError("a session ends after it starts");
  return db.$transaction(async (tx) => {
    const previous = await tx.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
    if (!previous || previous.cancelledAt || previous.startsAt < now) return { outcome: "gone" };
    assertCanManage(actor, previous.course);
    if (to.startsAt <= now) return { outcome: "in_past" };
    const session = await tx.courseSession.update({ where: { id: sessionId }, data: { startsAt: to.startsAt, endsAt: to.endsAt, sequence: { increment: 1 } } });
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
    const waiting = await tx.enrollment.findMany({ where: { courseId, status: "waitlisted" }, include: { person: true } });
    await tx.enrollment.updateMany({ where: { courseId, status: "waitlisted" }, data: { status: "withdrawn", endedAt: now } });
    return { course: closed, released: waiting.map((enrollment) => recipientOf(enrollment.person)) };
  });
}
