import type { Db, Prisma } from "../../db.js";
import type { Course, CourseSession, Enrollment, ReminderKind, Role } from "../../generated/prisma/client.js";
import { formatDate, languageOf, localized, translator, type Language, type Translate } from "../../i18n.js";
import type {
  DueReminder,
  PlannedReminder,
  ReminderContext,
  ReminderSource,
  Review,
} from "../../jobs/reminder-source.js";
import { addDays, addMonths, calendarDayOf, clockTimeOn } from "../../time.js";
import { managerRecipients } from "../team/service.js";
import { missingAttendanceKeyboard, outcomesKeyboard, sixMonthKeyboard } from "./keyboards.js";
import { ENDED_STATUSES, FOLLOWED_UP, HELD_SESSION, OUTCOME_CATEGORIES, UNDECIDED, lastDayPassed } from "./service.js";

/**
 * Reminders of the attendance feature, sent to a course's instructor, or to every manager when
 * the course has no instructor (any more):
 * - outcome_six_months: six months after a participant of a vocational or school-certificate
 *   course left (completed or dropped), at 10:00, "What is Anna doing now?" with one button per
 *   outcome; answering records Enrollment.outcomeAfter6m.
 * - attendance_missing: a course ended without a single session with attendance saved, so the
 *   closing job cannot decide who completed; at 09:00 the day after its last day, once per
 *   course and person, with buttons to catch up on attendance or record the outcomes by hand.
 * - outcomes_missing: a vocational or school-certificate course was closed, and some who left it
 *   have no outcome at leaving; at the same time, once per course and person, with the counts and
 *   a button to the course's outcomes.
 */

const FOLLOW_UP_MONTHS = 6;
const FOLLOW_UP_TIME = "10:00";
const NOTICE_TIME = "09:00";
/** Planned a day ahead, like the sponsorship check-ins. */
const PLANNING_HORIZON_MS = 24 * 60 * 60_000;
/** A question the bot could not ask in time (it was down) is still asked within this time, not later. */
const LATE_LIMIT_MS = 30 * 24 * 60 * 60_000;
/** Six months are 181 to 184 days; the window is wide enough for every due time near now. */
const FOLLOW_UP_WINDOW_DAYS = { from: 184 + 31, to: 179 };
const DAY_MS = 86_400_000;

export const attendanceReminders: ReminderSource = {
  kinds: ["outcome_six_months", "attendance_missing", "outcomes_missing"],
  plan: async (context, now) => [
    ...(await planFollowUps(context, now)),
    ...(await planCourseNotices(context, now, "attendance_missing", MISSING_ATTENDANCE)),
    ...(await planCourseNotices(context, now, "outcomes_missing", MISSING_OUTCOMES)),
  ],
  review: async ({ db, timeZone }, due, now) => {
    const ofKind = (kind: ReminderKind) => due.filter((reminder) => reminder.kind === kind);
    const followUps = await reviewFollowUps(db, timeZone, ofKind("outcome_six_months"));
    const notices = await reviewMissingAttendance(db, timeZone, ofKind("attendance_missing"));
    const outcomes = await reviewMissingOutcomes(db, timeZone, ofKind("outcomes_missing"), now);
    return new Map([...followUps, ...notices, ...outcomes]);
  },
};

/** When the six-month question about someone who left at `endedAt` is asked. */
export function followUpDueAt(endedAt: Date, timeZone: string): Date {
  return clockTimeOn(addMonths(calendarDayOf(endedAt, timeZone), FOLLOW_UP_MONTHS), FOLLOW_UP_TIME, timeZone);
}

interface Instructor {
  id: number;
  erasedAt: Date | null;
  roles: { role: Role }[];
}

/** Who is asked about a course: its instructor while they still hold a staff role, otherwise the managers. */
function askers(db: Db) {
  let managers: Promise<number[]> | undefined;
  return async (instructor: Instructor | null): Promise<number[]> => {
    if (instructor && instructor.erasedAt === null && instructor.roles.length > 0) return [instructor.id];
    managers ??= managerRecipients(db).then((recipients) => recipients.map((recipient) => recipient.personId));
    return managers;
  };
}

const INSTRUCTOR = { select: { id: true, erasedAt: true, roles: { select: { role: true } } } } as const;

async function planFollowUps({ db, timeZone }: ReminderContext, now: Date): Promise<PlannedReminder[]> {
  const enrollments = await db.enrollment.findMany({
    where: {
      ...FOLLOWED_UP,
      outcomeAfter6m: null,
      endedAt: {
        gte: new Date(now.getTime() - FOLLOW_UP_WINDOW_DAYS.from * DAY_MS),
        lte: new Date(now.getTime() - FOLLOW_UP_WINDOW_DAYS.to * DAY_MS),
      },
    },
    select: { id: true, endedAt: true, course: { select: { instructor: INSTRUCTOR } } },
  });
  const askersOf = askers(db);
  const planned: PlannedReminder[] = [];
  for (const enrollment of enrollments) {
    if (!enrollment.endedAt) continue;
    const dueAt = followUpDueAt(enrollment.endedAt, timeZone);
    if (dueAt.getTime() > now.getTime() + PLANNING_HORIZON_MS || dueAt.getTime() < now.getTime() - LATE_LIMIT_MS)
      continue;
    for (const personId of await askersOf(enrollment.course.instructor)) {
      planned.push({
        kind: "outcome_six_months",
        dedupeKey: `outcome_six_months:enrollment:${enrollment.id}:person:${personId}`,
        personId,
        dueAt,
        enrollmentId: enrollment.id,
      });
    }
  }
  return planned;
}

/** Courses the closing job left open: without any attendance it cannot decide who completed. */
const MISSING_ATTENDANCE = {
  enrollments: { some: UNDECIDED },
  sessions: { none: HELD_SESSION },
} satisfies Prisma.CourseWhereInput;

/** Someone who left, but nobody recorded what comes next for them. */
const LEFT_WITHOUT_OUTCOME = {
  status: { in: [...ENDED_STATUSES] },
  outcomeAtLeaving: null,
} satisfies Prisma.EnrollmentWhereInput;
/** Courses that measure placement with leavers still lacking their outcome at leaving. */
const MISSING_OUTCOMES = {
  category: { in: [...OUTCOME_CATEGORIES] },
  enrollments: { some: LEFT_WITHOUT_OUTCOME },
} satisfies Prisma.CourseWhereInput;

/** Courses whose last day has passed within the late limit, so a notice about them is still due. */
function recentlyEnded(now: Date, timeZone: string) {
  return {
    endsOn: { ...lastDayPassed(now, timeZone), gte: new Date(now.getTime() - LATE_LIMIT_MS) },
  } satisfies Prisma.CourseWhereInput;
}

/** A notice about each recently ended course matching `where`, at 09:00 the day after its last day, once per course and person. */
async function planCourseNotices(
  { db, timeZone }: ReminderContext,
  now: Date,
  kind: ReminderKind,
  where: Prisma.CourseWhereInput,
): Promise<PlannedReminder[]> {
  const courses = await db.course.findMany({
    where: { ...recentlyEnded(now, timeZone), ...where },
    select: {
      id: true,
      endsOn: true,
      instructor: INSTRUCTOR,
      sessions: { orderBy: { startsAt: "desc" }, take: 1, select: { id: true } },
    },
  });
  const askersOf = askers(db);
  const planned: PlannedReminder[] = [];
  for (const course of courses) {
    const lastSession = course.sessions[0];
    if (!lastSession) continue;
    const dueAt = clockTimeOn(addDays(calendarDayOf(course.endsOn, timeZone), 1), NOTICE_TIME, timeZone);
    for (const personId of await askersOf(course.instructor)) {
      // The reminder points at the course through its last session (reminders have no course id).
      planned.push({
        kind,
        dedupeKey: `${kind}:course:${course.id}:person:${personId}`,
        personId,
        dueAt,
        sessionId: lastSession.id,
      });
    }
  }
  return planned;
}

function idsOf(reminders: readonly DueReminder[], field: "sessionId" | "enrollmentId"): number[] {
  return reminders.map((reminder) => reminder[field]).filter((id) => id !== null);
}

async function reviewFollowUps(db: Db, timeZone: string, due: readonly DueReminder[]): Promise<[number, Review][]> {
  if (due.length === 0) return [];
  const enrollments = await db.enrollment.findMany({
    where: { id: { in: idsOf(due, "enrollmentId") }, ...FOLLOWED_UP },
    include: { course: true },
  });
  const byId = new Map(enrollments.map((enrollment) => [enrollment.id, enrollment]));
  return due.map((reminder): [number, Review] => {
    const enrollment = reminder.enrollmentId === null ? undefined : byId.get(reminder.enrollmentId);
    if (!enrollment) return [reminder.id, { send: false, reason: "no longer followed up" }];
    if (enrollment.outcomeAfter6m !== null) return [reminder.id, { send: false, reason: "already answered" }];
    const t = translator(reminder.person.language);
    return [
      reminder.id,
      {
        send: true,
        text: followUpText(t, enrollment, languageOf(reminder.person.language), timeZone),
        reply_markup: sixMonthKeyboard(t, enrollment.id),
        allowedInQuietHours: false,
      },
    ];
  });
}

function followUpText(
  t: Translate,
  enrollment: Enrollment & { course: Course },
  language: Language,
  timeZone: string,
): string {
  return t("attendance.six_months.question", {
    name: enrollment.fullName ?? t("manage.no_name"),
    title: localized(enrollment.course, "title", language),
    ended: enrollment.endedAt ? formatDate(enrollment.endedAt, language, timeZone) : "–",
    status: t(`attendance.status.${enrollment.status}`),
    atLeaving: enrollment.outcomeAtLeaving
      ? t(`attendance.outcome.${enrollment.outcomeAtLeaving}`)
      : t("attendance.outcome_unknown"),
  });
}

async function reviewMissingAttendance(
  db: Db,
  timeZone: string,
  due: readonly DueReminder[],
): Promise<[number, Review][]> {
  if (due.length === 0) return [];
  const sessions = await db.courseSession.findMany({
    where: { id: { in: idsOf(due, "sessionId") } },
    include: {
      course: {
        include: {
          sessions: { where: HELD_SESSION, take: 1, select: { id: true } },
          enrollments: { where: UNDECIDED, select: { id: true } },
        },
      },
    },
  });
  const byId = new Map(sessions.map((session) => [session.id, session]));
  return due.map((reminder): [number, Review] => {
    const session = reminder.sessionId === null ? undefined : byId.get(reminder.sessionId);
    if (!session) return [reminder.id, { send: false, reason: "course gone" }];
    if (session.course.sessions.length > 0) return [reminder.id, { send: false, reason: "attendance was caught up" }];
    if (session.course.enrollments.length === 0)
      return [reminder.id, { send: false, reason: "outcomes recorded by hand" }];
    const t = translator(reminder.person.language);
    return [
      reminder.id,
      {
        send: true,
        text: missingText(t, session, languageOf(reminder.person.language), timeZone),
        reply_markup: missingAttendanceKeyboard(t, session.courseId),
        allowedInQuietHours: false,
      },
    ];
  });
}

function missingText(
  t: Translate,
  session: CourseSession & { course: Course & { enrollments: unknown[] } },
  language: Language,
  timeZone: string,
): string {
  return t("attendance.missing.notice", {
    title: localized(session.course, "title", language),
    ended: formatDate(session.course.endsOn, language, timeZone),
    count: session.course.enrollments.length,
  });
}

/** Sent only while the course still qualifies and someone's outcome is still missing. */
async function reviewMissingOutcomes(
  db: Db,
  timeZone: string,
  due: readonly DueReminder[],
  now: Date,
): Promise<[number, Review][]> {
  if (due.length === 0) return [];
  const sessions = await db.courseSession.findMany({
    where: { id: { in: idsOf(due, "sessionId") }, course: { ...recentlyEnded(now, timeZone), ...MISSING_OUTCOMES } },
    include: {
      course: {
        include: {
          enrollments: {
            where: { status: { in: [...ENDED_STATUSES] } },
            select: { status: true, outcomeAtLeaving: true },
          },
        },
      },
    },
  });
  const byId = new Map(sessions.map((session) => [session.id, session]));
  return due.map((reminder): [number, Review] => {
    const session = reminder.sessionId === null ? undefined : byId.get(reminder.sessionId);
    if (!session) return [reminder.id, { send: false, reason: "outcomes recorded or course no longer qualifies" }];
    const { course } = session;
    const t = translator(reminder.person.language);
    const text = t("attendance.outcomes_missing.notice", {
      title: localized(course, "title", reminder.person.language),
      completed: course.enrollments.filter((enrollment) => enrollment.status === "completed").length,
      dropped: course.enrollments.filter((enrollment) => enrollment.status === "dropped").length,
      open: course.enrollments.filter((enrollment) => enrollment.outcomeAtLeaving === null).length,
    });
    return [
      reminder.id,
      { send: true, text, reply_markup: outcomesKeyboard(t, course.id), allowedInQuietHours: false },
    ];
  });
}
