import { appointmentReminders, idsOf } from "../appointments/reminders.js";

/**
 * Reminders of course sessions for people with an active enrollment (see appointments/reminders.ts
 * for when they come and what is checked at send time).
 */
export const courseSessionReminders = appointmentReminders({
  kinds: { evening: "course_session_evening", soon: "course_session_soon" },
  textKeys: { evening: "courses.reminder_evening", soon: "courses.reminder_soon" },
  noun: "session",
  switchedOn: "courseReminders",

  async upcoming(db, window, remindable) {
    const sessions = await db.courseSession.findMany({
      where: { cancelledAt: null, startsAt: window },
      select: {
        id: true,
        startsAt: true,
        sequence: true,
        course: {
          select: {
            enrollments: { where: { status: "active", person: remindable }, select: { id: true, personId: true } },
          },
        },
      },
    });
    return sessions.map((session) => ({
      startsAt: session.startsAt,
      participants: session.course.enrollments.map((enrollment) => ({
        personId: enrollment.personId,
        // A moved session (sequence > 0) gets new keys, so its reminders are planned again for the new time.
        key: `session:${session.id}${session.sequence > 0 ? `:v${session.sequence}` : ""}:enrollment:${enrollment.id}`,
        ids: { sessionId: session.id, enrollmentId: enrollment.id },
      })),
    }));
  },

  async lookUp(db, due) {
    const [sessions, enrollments] = await Promise.all([
      db.courseSession.findMany({ where: { id: { in: idsOf(due, "sessionId") } }, include: { course: true } }),
      db.enrollment.findMany({ where: { id: { in: idsOf(due, "enrollmentId") } } }),
    ]);
    const sessionById = new Map(sessions.map((session) => [session.id, session]));
    const enrollmentById = new Map(enrollments.map((enrollment) => [enrollment.id, enrollment]));
    return (reminder) => {
      const session = reminder.sessionId === null ? undefined : sessionById.get(reminder.sessionId);
      const enrollment = reminder.enrollmentId === null ? undefined : enrollmentById.get(reminder.enrollmentId);
      return {
        appointment: session && {
          startsAt: session.startsAt,
          cancelledAt: session.cancelledAt,
          place: session.course.place,
          named: session.course,
        },
        notTakingPart: enrollment?.status === "active" ? undefined : "not enrolled",
      };
    };
  },
});
