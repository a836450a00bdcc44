import { closeEndedCourses, type ClosingReport } from "../features/attendance/service.js";
import type { JobDeps } from "./deps.js";

export type CourseClosingDeps = Pick<JobDeps, "db" | "timeZone" | "logger">;

/**
 * The nightly closing of ended courses (see closeEndedCourses): enrollments still active after a
 * course's last day become completed or dropped by attendance. It sends nothing itself: a course
 * without any attendance is left open and its staff are told by the attendance_missing reminder;
 * those who left a placement course without an outcome are asked about by the outcomes_missing one.
 */
export async function runCourseClosingJob(deps: CourseClosingDeps, now: Date): Promise<ClosingReport> {
  const report = await closeEndedCourses(deps.db, now, deps.timeZone);
  if (report.closed.length > 0 || report.withoutAttendance.length > 0)
    deps.logger.info("course closing", { ...report });
  return report;
}
