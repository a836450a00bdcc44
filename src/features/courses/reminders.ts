import type { Course, CourseSession, Enrollment } from "../../generated/prisma/client.js";
import { formatDateTime, languageOf, localized, translator, type Language } from "../../i18n.js";
import type { DueReminder, PlannedReminder, ReminderContext, ReminderSource, Review } from "../../jobs/reminder-source.js";
import { PLANNING_HORIZON_MS, dayHasBegun, eveningBefore, remindablePeople, shortlyBefore, startsEarly } from "../../jobs/reminder-times.js";

/**
 * Reminders of course sessions for people with an active enrollment: the evening before at 18:00
 * and two hours before the start, on the office's clock.
 */

const COURSE_REMINDER_KINDS = ["course_session_evening", "course_session_soon"] as const;
type CourseReminderKind = (typeof COURSE_REMINDER_KINDS)[number];

const dueAtOf: Record<CourseReminderKind, (startsAt: Date, timeZone: string) => Date> = {
  course_session_evening: eveningBefore,
  course_session_soon: shortlyBefore,
};

const textKeyOf: Record<CourseReminderKind, string> = {
  course_session_evening: "courses.reminder_evening",
  course_session_soon: "courses.reminder_soon",
};

const remindable = remindablePeople("courseReminders");

export const courseSessionReminders: ReminderSource = {
  kinds: COURSE_REMINDER_KINDS,
  plan: planCourseSessionReminders,
  review: reviewCourseSessionReminders,
};

/** A moved session (sequence > 0) gets new keys, so its reminders are planned again for the new time. */
function courseReminderKey(kind: CourseReminderKind, sessionId: number, sequence: number, enrollmentId: number): string {
  const version = sequence > 0 ? `:v${sequence}` : "";
  return `${kind}:session:${sessionId}${version}:enrollment:${enrollmentId}`;
}

async function planCourseSessionReminders({ db, timeZone }: ReminderContext, now: Date): Promise<PlannedReminder[]> {
  const sessions = await db.courseSession.findMany({
    where: { cancelledAt: null, startsAt: { gt: now, lte: new Date(now.getTime() + PLANNING_HORIZON_MS) } },
    select: {
      id: true,
      startsAt: true,
      sequence: true,
      course: { select: { enrollments: { where: { status: "active", person: remindable }, select: { id: true, personId: true } } } },
    },
  });
  return sessions.flatMap((session) =>
    session.course.enrollments.flatMap((enrollment) =>
      COURSE_REMINDER_KINDS.map((kind) => ({
        kind,
        dedupeKey: courseReminderKey(kind, session.id, session.sequence, enrollment.id),
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
  if (kind === "course_session_evening" && dayHasBegun(now, session.startsAt, timeZone)) {
    return { send: false, reason: "the session's day has begun" };
  }
  return {
    send: true,
    text: courseReminderText(kind, session, languageOf(reminder.person.language), timeZone),
    allowedInQuietHours: kind === "course_session_soon" && startsEarly(session.startsAt, timeZone),
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
