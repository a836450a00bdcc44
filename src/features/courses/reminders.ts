import type { Prisma } from "../../db.js";
import type { Course, CourseSession, Enrollment } from "../../generated/prisma/client.js";
import { formatDateTime, localized, translator, type Language } from "../../i18n.js";
import type { DueReminder, PlannedReminder, ReminderContext, ReminderSource, Review } from "../../jobs/reminders.js";
import { addDays, calendarDayOf, clockTimeOn, compareDays, utcToWallClock } from "../../time.js";

/**
 * Reminders of course sessions for people with an active enrollment: the evening before at 18:00
 * and two hours before the start, on the office's clock.
 */

const COURSE_REMINDER_KINDS = ["course_session_evening", "course_session_soon"] as const;
type CourseReminderKind = (typeof COURSE_REMINDER_KINDS)[number];

const EVENING_REMINDER_TIME = "18:00";
const SOON_REMINDER_LEAD_MS = 2 * 60 * 60_000;
/** A session starting before this hour is early: its 2-hour reminder may fall into the quiet hours. */
const EARLY_SESSION_BEFORE_HOUR = 10;
/** Covers the evening reminder of a session late on the next day (up to 30 hours ahead, 31 across a clock change). */
const PLANNING_HORIZON_MS = 36 * 60 * 60_000;

const dueAtOf: Record<CourseReminderKind, (startsAt: Date, timeZone: string) => Date> = {
  course_session_evening: (startsAt, timeZone) =>
    clockTimeOn(addDays(calendarDayOf(startsAt, timeZone), -1), EVENING_REMINDER_TIME, timeZone),
  course_session_soon: (startsAt) => new Date(startsAt.getTime() - SOON_REMINDER_LEAD_MS),
};

const textKeyOf: Record<CourseReminderKind, string> = {
  course_session_evening: "courses.reminder_evening",
  course_session_soon: "courses.reminder_soon",
};

/** People who get course reminders: consenting, reachable, and not switched off. */
const remindable = {
  courseReminders: true,
  consentAt: { not: null },
  erasedAt: null,
  blockedAt: null,
  chatId: { not: null },
} satisfies Prisma.PersonWhereInput;

export const courseSessionReminders: ReminderSource = {
  kinds: COURSE_REMINDER_KINDS,
  plan: planCourseSessionReminders,
  review: reviewCourseSessionReminders,
};

function courseReminderKey(kind: CourseReminderKind, sessionId: number, enrollmentId: number): string {
  return `${kind}:session:${sessionId}:enrollment:${enrollmentId}`;
}

async function planCourseSessionReminders({ db, timeZone }: ReminderContext, now: Date): Promise<PlannedReminder[]> {
  const sessions = await db.courseSession.findMany({
    where: { cancelledAt: null, startsAt: { gt: now, lte: new Date(now.getTime() + PLANNING_HORIZON_MS) } },
    select: {
      id: true,
      startsAt: true,
      course: { select: { enrollments: { where: { status: "active", person: remindable }, select: { id: true, personId: true } } } },
    },
  });
  return sessions.flatMap((session) =>
    session.course.enrollments.flatMap((enrollment) =>
      COURSE_REMINDER_KINDS.map((kind) => ({
        kind,
        dedupeKey: courseReminderKey(kind, session.id, enrollment.id),
        personId: enrollment.personId,
        dueAt: dueAtOf[kind](session.startsAt, timeZone),
        sessionId: session.id,
        enrollmentId: enrollment.id,
      })),
    ),
  );
}

type SessionWithCourse = CourseSession & { course: Course };

async function reviewCourseSessionReminders({ db, timeZone }: ReminderContext, due: readonly DueReminder[], now: Date): Promise<Map<number, Review>> {
  const [sessions, enrollments] = await Promise.all([
    db.courseSession.findMany({ where: { id: { in: idsOf(due, "sessionId") } }, include: { course: true } }),
    db.enrollment.findMany({ where: { id: { in: idsOf(due, "enrollmentId") } } }),
  ]);
  const sessionById = new Map(sessions.map((session) => [session.id, session]));
  const enrollmentById = new Map(enrollments.map((enrollment) => [enrollment.id, enrollment]));
  return new Map(
    due.map((reminder) => {
      const session = reminder.sessionId === null ? undefined : sessionById.get(reminder.sessionId);
      const enrollment = reminder.enrollmentId === null ? undefined : enrollmentById.get(reminder.enrollmentId);
      return [reminder.id, reviewOne(reminder, session, enrollment, now, timeZone)];
    }),
  );
}

function reviewOne(
  reminder: DueReminder,
  session: SessionWithCourse | undefined,
  enrollment: Enrollment | undefined,
  now: Date,
  timeZone: string,
): Review {
  if (!session || session.cancelledAt) return { send: false, reason: "session cancelled" };
  if (session.startsAt <= now) return { send: false, reason: "session started" };
  if (enrollment?.status !== "active") return { send: false, reason: "not enrolled" };
  if (!reminder.person.courseReminders) return { send: false, reason: "course reminders switched off" };
  const kind = reminder.kind as CourseReminderKind;
  // "Tomorrow" is wrong once the session's day has begun (the job was down); the 2-hour one follows.
  if (kind === "course_session_evening" && compareDays(calendarDayOf(now, timeZone), calendarDayOf(session.startsAt, timeZone)) >= 0) {
    return { send: false, reason: "the session's day has begun" };
  }
  return {
    send: true,
    text: courseReminderText(kind, session, reminder.person.language, timeZone),
    allowedInQuietHours: kind === "course_session_soon" && utcToWallClock(session.startsAt, timeZone).hour < EARLY_SESSION_BEFORE_HOUR,
  };
}

function courseReminderText(kind: CourseReminderKind, session: SessionWithCourse, language: Language, timeZone: string): string {
  return translator(language)(textKeyOf[kind], {
    title: localized(session.course, "title", language),
    when: formatDateTime(session.startsAt, language, timeZone),
    place: session.course.place,
  });
}

function idsOf(reminders: readonly DueReminder[], field: "sessionId" | "enrollmentId"): number[] {
  return reminders.map((reminder) => reminder[field]).filter((id) => id !== null);
}
