import type { Db, Prisma } from "../../db.js";
import type {
  Course,
  CourseCategory,
  CourseSession,
  Enrollment,
  GermanLevel,
  Outcome,
} from "../../generated/prisma/client.js";
import { assertRole, hasRole, type Actor } from "../../people/roles.js";
import {
  placesInLine,
  promoteWaiting,
  waitingAhead,
  waitingOrder,
  type Promotion,
  type WaitingLine,
} from "../appointments/waiting-list.js";
import { recipientOf } from "../../people/recipient.js";
import { telegramName } from "../../people/names.js";

type Tx = Prisma.TransactionClient;

export const COURSE_CATEGORIES = [
  "language",
  "vocational",
  "school_certificate",
  "other",
] as const satisfies readonly CourseCategory[];
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

/** A course in a list: how many seats are left and how many wait. */
export type CourseAvailability = Pick<CourseSummary, "course" | "seatsLeft" | "waitlistCount">;

/** Open courses of a category, those starting soonest first, with their seats; `page` counts from 0. */
export async function listOpenCourses(db: Db, category: CourseCategory, page: number, pageSize: number, now: Date) {
  const where = { status: "open" as const, category, endsOn: { gte: now } };
  const [courses, total] = await Promise.all([
    db.course.findMany({ where, orderBy: [{ startsOn: "asc" }, { id: "asc" }], skip: page * pageSize, take: pageSize }),
    db.course.count({ where }),
  ]);
  // The seats of the whole page in one query, not one per course.
  const groups = await db.enrollment.groupBy({
    by: ["courseId", "status"],
    where: { courseId: { in: courses.map((course) => course.id) }, status: { in: ["active", "waitlisted"] } },
    _count: true,
  });
  const countOf = (courseId: number, status: "active" | "waitlisted") =>
    groups.find((group) => group.courseId === courseId && group.status === status)?._count ?? 0;
  const available: CourseAvailability[] = courses.map((course) => ({
    course,
    seatsLeft: Math.max(0, course.capacity - countOf(course.id, "active")),
    waitlistCount: countOf(course.id, "waitlisted"),
  }));
  return { courses: available, total };
}

/** How many open courses each category has, so empty categories can be marked. */
export async function openCourseCounts(db: Db, now: Date): Promise<Record<CourseCategory, number>> {
  // Raw: /courses is among the commands sent most, and Prisma's groupBy costs several times the CPU.
  const groups = await db.$queryRaw<{ category: CourseCategory; count: number | bigint }[]>`
    SELECT "category", COUNT(*) AS "count" FROM "Course" WHERE "status" = 'open' AND "endsOn" >= ${now} GROUP BY "category"`;
  const counts = Object.fromEntries(COURSE_CATEGORIES.map((category) => [category, 0])) as Record<
    CourseCategory,
    number
  >;
  for (const group of groups) counts[group.category] = Number(group.count);
  return counts;
}

/** What the registration form starts from: the person's language and Telegram name, and the course if it is still there. */
export async function registrationStart(db: Db, personId: number, courseId: number, now: Date) {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId } });
  const summary = await getCourseSummary(db, courseId, now);
  return { language: person.language, telegramName: telegramName(person), course: summary?.course };
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
  return db.courseSession.findMany({
    where: { courseId, cancelledAt: null, endsAt: { gte: now } },
    orderBy: { startsAt: "asc" },
  });
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
    include: {
      course: {
        include: {
          sessions: { where: { cancelledAt: null, startsAt: { gte: now } }, orderBy: { startsAt: "asc" }, take: 1 },
        },
      },
    },
    orderBy: { course: { startsOn: "asc" } },
  });
  // The waiting lists the person is on, read at once for their places in line.
  const waitingIn = enrollments
    .filter((enrollment) => enrollment.status === "waitlisted")
    .map((enrollment) => enrollment.courseId);
  const waiting =
    waitingIn.length === 0
      ? []
      : await db.enrollment.findMany({
          where: { courseId: { in: waitingIn }, status: "waitlisted" },
          select: { id: true, courseId: true },
          orderBy: waitingOrder(),
        });
  const places = placesInLine(waiting, (entry) => entry.courseId);
  return enrollments.map(({ course: { sessions, ...course }, ...enrollment }) => ({
    enrollment,
    course,
    nextSession: sessions[0],
    waitlistPosition: enrollment.status === "waitlisted" ? places.get(enrollment.id) : undefined,
  }));
}

async function waitlistPosition(
  db: Db | Tx,
  enrollment: Pick<Enrollment, "courseId" | "requestedAt" | "id">,
): Promise<number> {
  return 1 + (await db.enrollment.count({ where: { courseId: enrollment.courseId, ...waitingAhead(enrollment) } }));
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
    const existing = await tx.enrollment.findUnique({
      where: { courseId_personId: { courseId: input.courseId, personId: input.personId } },
    });
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

export type LeaveResult = { outcome: "left"; promoted: Promotion | undefined } | { outcome: "not_found" };

/** The person leaves a course or its waiting list; a freed seat goes to the first on the list. */
export async function withdraw(db: Db, personId: number, enrollmentId: number, now: Date): Promise<LeaveResult> {
  return db.$transaction(async (tx) => {
    const enrollment = await tx.enrollment.findUnique({ where: { id: enrollmentId } });
    if (!enrollment || enrollment.personId !== personId) return { outcome: "not_found" };
    return leave(tx, enrollment, now);
  });
}

/** How a seat ends: withdrawn by default; a dropout recorded by staff also carries its outcome. */
export type Ending =
  { status: "withdrawn" } | { status: "dropped"; statusSetByHand: true; outcomeAtLeaving: Outcome | null };

/**
 * Ends a seat or a place on the waiting list: its reminders stop and a freed seat goes to the
 * first person waiting. Runs inside the caller's transaction.
 */
export async function leave(
  tx: Tx,
  enrollment: Enrollment,
  now: Date,
  ending: Ending = { status: "withdrawn" },
): Promise<LeaveResult> {
  if (enrollment.status !== "active" && enrollment.status !== "waitlisted") return { outcome: "not_found" };
  await tx.enrollment.update({ where: { id: enrollment.id }, data: { ...ending, endedAt: now } });
  await tx.reminder.updateMany({
    where: { enrollmentId: enrollment.id, sentAt: null, cancelledAt: null },
    data: { cancelledAt: now },
  });
  // One seat came free: at most one person moves up.
  const [promoted] =
    enrollment.status === "active" ? await promoteWaiting(seatsOf(tx, enrollment.courseId, now), 1) : [];
  return { outcome: "left", promoted };
}

/** A course's waiting list: one seat per person, and nobody moves up once the course is closed. */
export function seatsOf(tx: Tx, courseId: number, now: Date): WaitingLine {
  return {
    async placesLeft() {
      const course = await tx.course.findUniqueOrThrow({ where: { id: courseId } });
      if (course.status !== "open") return 0;
      return course.capacity - (await tx.enrollment.count({ where: { courseId, status: "active" } }));
    },
    async firstFitting() {
      const next = await tx.enrollment.findFirst({
        where: { courseId, status: "waitlisted" },
        orderBy: waitingOrder(),
        include: { person: true },
      });
      return next && { id: next.id, recipient: recipientOf(next.person) };
    },
    async admit(id) {
      await tx.enrollment.update({ where: { id }, data: { status: "active", enrolledAt: now } });
    },
  };
}

export async function setCourseReminders(db: Db, personId: number, enabled: boolean): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { courseReminders: enabled } });
}

// ───────────────────────────── who manages (the operations are in management/service.ts) ─────────────────────────────

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

/**
 * Part of a person's erasure (people/erasure.ts): seats and waiting places are given up; every
 * enrollment forgets the name and phone given at sign-up.
 */
export async function eraseEnrollments(tx: Tx, personId: number, now: Date): Promise<void> {
  await tx.enrollment.updateMany({
    where: { personId, status: { in: ["active", "waitlisted"] } },
    data: { status: "withdrawn", endedAt: now },
  });
  await tx.enrollment.updateMany({ where: { personId }, data: { fullName: null, phone: null } });
}
