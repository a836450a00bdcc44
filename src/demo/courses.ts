import type { Prisma } from "../db.js";
import { courseImportKey, importCoursesWithin, type ImportedCourse } from "../features/courses/import.js";
import { formatProblem } from "../file-import.js";
import type { AttendanceStatus, CourseSession, EnrollmentStatus } from "../generated/prisma/client.js";
import { BERLIN, daysBefore, minutesAfter, nightlyClosingAfter } from "./calendar.js";
import type { DemoFiles, DemoParticipant } from "./files.js";
import type { Demo } from "./people.js";

type Tx = Prisma.TransactionClient;

/**
 * The demo's courses go through the course import (courses.yaml), moved to the current week and
 * taught by the instructors course-history.yaml names. The office is closed on its closing days,
 * so sessions on those days are left out. Then comes each course's past: the participants with
 * their attendance in the sessions held so far.
 */
export async function importDemoCourses(tx: Tx, files: DemoFiles, demo: Demo): Promise<void> {
  const { calendar } = demo;
  const planned = files.courses.map((course) => {
    const { instructor, participants } = historyOf(files, course);
    const taughtBy = demo.person(instructor, "course-history.yaml");
    const moved = {
      ...course,
      firstDay: calendar.shift(course.firstDay),
      lastDay: calendar.shift(course.lastDay),
      instructorTelegramId: taughtBy.telegramId,
    };
    return { course: moved, instructorId: taughtBy.id, participants };
  });
  const result = await importCoursesWithin(
    tx,
    planned.map((entry) => entry.course),
    BERLIN,
  );
  if (!result.ok) throw new Error(`prisma/demo/courses.yaml: ${result.problems.map(formatProblem).join("; ")}`);
  for (const { course, instructorId, participants } of planned) {
    const row = await tx.course.findUniqueOrThrow({ where: { importKey: courseImportKey(course) } });
    const sessions = await leaveOutClosingDays(tx, row.id, demo);
    const first = sessions[0];
    const last = sessions.at(-1);
    if (!first || !last)
      throw new Error(
        `prisma/demo/courses.yaml: course "${course.titleDe}" has no session on a day the office is open`,
      );
    if (participants.length === 0) continue;
    const held = await takeAttendance(tx, sessions, demo);
    const run = {
      id: row.id,
      instructorId,
      startsAt: first.startsAt,
      endsAt: last.endsAt,
      sessionCount: sessions.length,
    };
    await enrollParticipants(tx, run, held, participants, demo);
  }
}

function historyOf(files: DemoFiles, course: ImportedCourse) {
  const history = course.key === null ? undefined : files.courseHistory[course.key];
  if (!history)
    throw new Error(`prisma/demo/course-history.yaml: no entry for the course "${course.key ?? course.titleDe}"`);
  return history;
}

/**
 * Drops the sessions on closing days; startsOn and endsOn become the first open session's start and
 * the last one's end, so both read as the right day in Berlin and "has the course ended" holds
 * exactly after the last session.
 */
async function leaveOutClosingDays(tx: Tx, courseId: number, demo: Demo): Promise<CourseSession[]> {
  const sessions = await tx.courseSession.findMany({ where: { courseId }, orderBy: { startsAt: "asc" } });
  const closed = sessions.filter((session) => demo.calendar.isClosedAt(session.startsAt));
  const open = sessions.filter((session) => !demo.calendar.isClosedAt(session.startsAt));
  await tx.courseSession.deleteMany({ where: { id: { in: closed.map((session) => session.id) } } });
  const first = open[0];
  const last = open.at(-1);
  if (first && last)
    await tx.course.update({ where: { id: courseId }, data: { startsOn: first.startsAt, endsOn: last.endsAt } });
  return open;
}

/** The instructor took attendance early in every session that is over. */
async function takeAttendance(tx: Tx, sessions: readonly CourseSession[], demo: Demo): Promise<CourseSession[]> {
  const held = sessions.filter((session) => session.endsAt <= demo.now);
  for (const session of held) {
    await tx.courseSession.update({
      where: { id: session.id },
      data: { attendanceTakenAt: attendanceTakenAt(session) },
    });
  }
  return held;
}

function attendanceTakenAt(session: { startsAt: Date }): Date {
  return minutesAfter(session.startsAt, 15);
}

interface CourseRun {
  id: number;
  instructorId: number;
  startsAt: Date;
  endsAt: Date;
  sessionCount: number;
}

/**
 * Enrolls the participants with their attendance in the sessions held so far. In a course that is
 * over, each has been closed the way the nightly closing does it: completed with at least the
 * threshold's share of present marks, dropped otherwise.
 */
async function enrollParticipants(
  tx: Tx,
  run: CourseRun,
  held: readonly CourseSession[],
  participants: readonly DemoParticipant[],
  demo: Demo,
) {
  const { attendanceThreshold } = await tx.course.findUniqueOrThrow({
    where: { id: run.id },
    select: { attendanceThreshold: true },
  });
  const attendance: Prisma.AttendanceCreateManyInput[] = [];
  for (const [index, participant] of participants.entries()) {
    const marks = held.map((session, at) => ({ session, status: markOf(participant, index, at, run.sessionCount) }));
    const status = closingStatus(
      marks.map((mark) => mark.status),
      attendanceThreshold,
    );
    const { id: enrollmentId } = await tx.enrollment.create({
      data: enrollmentOf(participant, index, status, run, demo),
      select: { id: true },
    });
    for (const { session, status } of marks) {
      attendance.push({
        sessionId: session.id,
        enrollmentId,
        status,
        markedById: run.instructorId,
        markedAt: attendanceTakenAt(session),
      });
    }
  }
  await tx.attendance.createMany({ data: attendance });
}

/** Present marks spread evenly, each person in their own rhythm; who stopped coming is absent from then on. */
function markOf(participant: DemoParticipant, index: number, nth: number, sessionCount: number): AttendanceStatus {
  if (participant.stopsAfter !== undefined && nth >= participant.stopsAfter * sessionCount) return "absent";
  const phase = (index * 0.37) % 1;
  const { presence } = participant;
  if (Math.floor((nth + 1) * presence + phase) > Math.floor(nth * presence + phase)) return "present";
  return (nth + index) % 3 === 0 ? "excused" : "absent";
}

function enrollmentOf(
  participant: DemoParticipant,
  index: number,
  closing: EnrollmentStatus,
  run: CourseRun,
  demo: Demo,
): Prisma.EnrollmentUncheckedCreateInput {
  const resident = demo.person(participant.who, "course-history.yaml");
  // Signed up one after the other in the weeks before the start (or before today, for a later start).
  const signedUpAt = daysBefore(run.startsAt < demo.now ? run.startsAt : demo.now, 3 + 2 * index);
  const over = run.endsAt <= demo.now;
  return {
    courseId: run.id,
    personId: resident.id,
    status: over ? closing : "active",
    requestedAt: signedUpAt,
    enrolledAt: signedUpAt,
    endedAt: over ? nightlyClosingAfter(run.endsAt) : null,
    statusSetByHand: false,
    fullName: resident.fullName,
    germanLevel: participant.level ?? null,
    outcomeAtLeaving: over ? (participant.outcome ?? null) : null,
    outcomeAfter6m: over ? (participant.outcomeAfter6m ?? null) : null,
  };
}

function closingStatus(marks: readonly AttendanceStatus[], threshold: number): EnrollmentStatus {
  const present = marks.filter((mark) => mark === "present").length;
  return marks.length > 0 && present / marks.length >= threshold ? "completed" : "dropped";
}
