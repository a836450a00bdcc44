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
 *
 * The feature's services, one file per responsibility; other modules import them from here.
 */

export * from "./rules.js";
export * from "./marking.js";
export * from "./closing.js";
export * from "./leaving.js";
