import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import type { AttendanceStatus, CourseSession } from "../../src/generated/prisma/client.js";
import { attendanceReminders } from "../../src/features/attendance/reminders.js";
import {
  attendanceShares,
  closeCourseNow,
  closeEndedCourses,
  contradictsShare,
  courseOutcomes,
  openChecklist,
  recordOutcome,
  recordOutcomeAfterSixMonths,
  saveAttendance,
  sessionsToMark,
} from "../../src/features/attendance/service.js";
import { register } from "../../src/features/courses/service.js";
import { cancelSession, createCourse } from "../../src/features/courses/management/service.js";
import { ForbiddenError, type Actor } from "../../src/people/roles.js";
import { runReminderJob, type SendText } from "../../src/jobs/reminders.js";
import { silentLogger } from "../../src/logger.js";
import { createTestDb } from "../support/db.js";
import { courseInput, makePerson, OFFICE, type PersonFixture } from "../support/fixtures.js";

const BERLIN = "Europe/Berlin";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let db: Db;

beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

async function staff(fixture: PersonFixture, role: "instructor" | "manager"): Promise<Actor> {
  const person = await makePerson(db, fixture);
  await db.roleGrant.create({ data: { personId: person.id, role } });
  return { id: person.id, roles: [role] };
}

/** A course of `instructor` with `names` enrolled on 20 November 2026; its sessions in order. */
async function courseWith(
  instructor: Actor | null,
  names: readonly string[],
  overrides: Parameters<typeof courseInput>[0] = {},
) {
  const course = await createCourse(
    db,
    OFFICE,
    courseInput({ capacity: 50, instructorId: instructor?.id ?? null, ...overrides }),
    BERLIN,
  );
  const enrollmentIds: number[] = [];
  for (const name of names) {
    const person = await makePerson(db, { name });
    const result = await register(
      db,
      { courseId: course.id, personId: person.id, fullName: name, phone: undefined, germanLevel: undefined },
      new Date("2026-11-20T10:00:00Z"),
    );
    if (result.outcome !== "enrolled") throw new Error(`${name} got no seat`);
    enrollmentIds.push(result.enrollment.id);
  }
  const sessions = await db.courseSession.findMany({ where: { courseId: course.id }, orderBy: { startsAt: "asc" } });
  return { course, enrollmentIds, sessions };
}

function during(session: CourseSession): Date {
  return new Date(session.startsAt.getTime() + HOUR);
}

function marksFor(enrollmentIds: readonly number[], statuses: readonly AttendanceStatus[]) {
  return enrollmentIds.map((enrollmentId, index) => ({ enrollmentId, status: statuses[index] ?? "absent" }));
}

describe("marking a session", () => {
  it("saves the marks and the time taken in one go, and re-marking updates only what changed", async () => {
    const instructor = await staff({ name: "Ingrid" }, "instructor");
    const { enrollmentIds, sessions } = await courseWith(instructor, ["Anna Schmidt", "Boris Iwanow", "Clara Weiß"]);
    const session = sessions[0] as CourseSession;
    const first = during(session);

    const opened = await openChecklist(db, instructor, session.id, first, BERLIN);
    expect(opened.outcome === "ok" && opened.people.map((person) => [person.name, person.mark])).toEqual([
      ["Anna Schmidt", null],
      ["Boris Iwanow", null],
      ["Clara Weiß", null],
    ]);

    const saved = await saveAttendance(
      db,
      instructor,
      session.id,
      marksFor(enrollmentIds, ["present", "absent", "excused"]),
      first,
      BERLIN,
    );
    expect(saved).toMatchObject({ outcome: "saved", counts: { present: 1, absent: 1, excused: 1 } });
    expect((await db.courseSession.findUniqueOrThrow({ where: { id: session.id } })).attendanceTakenAt).toEqual(first);

    const later = new Date(first.getTime() + 2 * DAY);
    await saveAttendance(
      db,
      instructor,
      session.id,
      marksFor(enrollmentIds, ["present", "present", "excused"]),
      later,
      BERLIN,
    );
    const rows = await db.attendance.findMany({ where: { sessionId: session.id }, orderBy: { enrollmentId: "asc" } });
    expect(rows.map((row) => [row.status, row.markedById, row.markedAt])).toEqual([
      ["present", instructor.id, first],
      ["present", instructor.id, later],
      ["excused", instructor.id, first],
    ]);
    expect((await db.courseSession.findUniqueOrThrow({ where: { id: session.id } })).attendanceTakenAt).toEqual(first);
    const reopened = await openChecklist(db, instructor, session.id, later, BERLIN);
    expect(reopened.outcome === "ok" && reopened.people.map((person) => person.mark)).toEqual([
      "present",
      "present",
      "excused",
    ]);
  });

  it("locks a session for its instructor 7 days after the start, but not for managers", async () => {
    const instructor = await staff({ name: "Ilse" }, "instructor");
    const manager = await staff({ name: "Maria" }, "manager");
    const { enrollmentIds, sessions } = await courseWith(instructor, ["Dana Roth"]);
    const session = sessions[0] as CourseSession;
    const lastMoment = new Date(session.startsAt.getTime() + 7 * DAY - 1);
    const locked = new Date(session.startsAt.getTime() + 7 * DAY);

    expect((await openChecklist(db, instructor, session.id, lastMoment, BERLIN)).outcome).toBe("ok");
    expect((await openChecklist(db, instructor, session.id, locked, BERLIN)).outcome).toBe("locked");
    expect(
      await saveAttendance(db, instructor, session.id, marksFor(enrollmentIds, ["present"]), locked, BERLIN),
    ).toEqual({ outcome: "locked" });
    expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0);

    const muchLater = new Date(session.startsAt.getTime() + 60 * DAY);
    expect(
      await saveAttendance(db, manager, session.id, marksFor(enrollmentIds, ["present"]), muchLater, BERLIN),
    ).toMatchObject({ outcome: "saved" });
    expect(await db.attendance.findFirstOrThrow({ where: { sessionId: session.id } })).toMatchObject({
      status: "present",
      markedById: manager.id,
    });
  });

  it("refuses another instructor's course, future days and cancelled sessions", async () => {
    const owner = await staff({ name: "Olaf" }, "instructor");
    const other = await staff({ name: "Otto" }, "instructor");
    const { enrollmentIds, sessions } = await courseWith(owner, ["Eva Lang"]);
    const [first, second, third] = sessions as [CourseSession, CourseSession, CourseSession];

    await expect(openChecklist(db, other, first.id, during(first), BERLIN)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      saveAttendance(db, other, first.id, marksFor(enrollmentIds, ["present"]), during(first), BERLIN),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(sessionsToMark(db, { id: 0, roles: [] }, during(first), BERLIN)).rejects.toBeInstanceOf(
      ForbiddenError,
    );

    const dayBefore = new Date(second.startsAt.getTime() - DAY);
    expect((await openChecklist(db, owner, second.id, dayBefore, BERLIN)).outcome).toBe("not_yet");
    const morningOfTheDay = new Date(second.startsAt.getTime() - 2 * HOUR);
    expect((await openChecklist(db, owner, second.id, morningOfTheDay, BERLIN)).outcome).toBe("ok");

    await cancelSession(db, owner, third.id, dayBefore);
    expect((await openChecklist(db, owner, third.id, during(third), BERLIN)).outcome).toBe("cancelled");
    expect(await db.attendance.count({ where: { enrollmentId: enrollmentIds[0] } })).toBe(0);
  });

  it("offers today's sessions and the recent ones still missing, only of the instructor's own courses", async () => {
    const instructor = await staff({ name: "Irma" }, "instructor");
    const other = await staff({ name: "Igor" }, "instructor");
    const manager = await staff({ name: "Mila" }, "manager");
    // Two courses on Tuesday and Thursday mornings in spring 2027, one of another instructor.
    const weekly = [
      { weekday: 2 as const, from: "09:00", to: "12:00" },
      { weekday: 4 as const, from: "09:00", to: "12:00" },
    ];
    const range = { firstDay: { year: 2027, month: 3, day: 1 }, lastDay: { year: 2027, month: 3, day: 31 }, weekly };
    const own = await courseWith(instructor, ["Fritz Bauer"], { ...range, titleDe: "Eigener Kurs" });
    const foreign = await courseWith(other, ["Gül Demir"], { ...range, titleDe: "Fremder Kurs" });
    const byDay = (sessions: CourseSession[], iso: string) =>
      sessions.find((session) => session.startsAt.toISOString().startsWith(iso)) as CourseSession;
    // Tuesday 16 March 2027, 08:00 in Berlin: today's session, Thursday 11th (open), Tuesday 9th (taken), Thursday 4th (open but 12 days ago).
    const now = new Date("2027-03-16T07:00:00Z");
    await saveAttendance(
      db,
      instructor,
      byDay(own.sessions, "2027-03-09").id,
      marksFor(own.enrollmentIds, ["present"]),
      new Date("2027-03-09T09:00:00Z"),
      BERLIN,
    );

    const offered = await sessionsToMark(db, instructor, now, BERLIN);
    expect(offered.map((entry) => entry.session.startsAt.toISOString())).toEqual([
      "2027-03-11T08:00:00.000Z",
      "2027-03-16T08:00:00.000Z",
    ]);
    expect(offered.every((entry) => entry.course.id === own.course.id && entry.state === "editable")).toBe(true);

    const forManager = await sessionsToMark(db, manager, now, BERLIN);
    expect(
      forManager
        .filter((entry) => entry.course.id === foreign.course.id)
        .map((entry) => entry.session.startsAt.toISOString()),
    ).toEqual(["2027-03-09T08:00:00.000Z", "2027-03-11T08:00:00.000Z", "2027-03-16T08:00:00.000Z"]);
  });
});

/**
 * Ten participants, ten Tuesday sessions from 1 December 2026 to 2 February 2027: the third is
 * cancelled and the last one's attendance is never saved, so eight sessions are held. One letter
 * per held session: P present, A absent, E excused, - not on the saved list. Threshold 75 %.
 */
const CLOSING_CASE = [
  { name: "P1 Adam", marks: "PPPPPPPP", expected: "completed" }, // 8/8
  { name: "P2 Berta", marks: "PPPPPPAA", expected: "completed" }, // 6/8 = 75 %, exactly the threshold
  { name: "P3 Carl", marks: "PPPPPAAA", expected: "dropped" }, // 5/8 = 62.5 %
  { name: "P4 Dora", marks: "PPPPPEEA", expected: "completed" }, // 5/6 = 83 %: excused sessions leave the denominator
  { name: "P5 Emil", marks: "PPPPEEEE", expected: "completed" }, // 4/4
  { name: "P6 Fanny", marks: "AAAAAAAA", expected: "dropped" }, // 0/8
  { name: "P7 Gustav", marks: "PPPPP---", expected: "dropped" }, // 5/8: not marked counts as absent
  { name: "P8 Hanna", marks: "---PPPPA", expected: "completed" }, // joined on 24 December: 4/5 of the sessions since
  { name: "P9 Ida", marks: "PPPPPPPP", expected: "dropped" }, // set by hand after the end, stays
  { name: "P10 Jan", marks: "AAAAAAAA", expected: "completed" }, // set by hand after the end, stays
] as const;
const LETTERS: Record<string, AttendanceStatus | undefined> = { P: "present", A: "absent", E: "excused" };

describe("closing ended courses", () => {
  it("decides completed and dropped by the threshold, leaves what was set by hand, and runs only once", async () => {
    const instructor = await staff({ name: "Inge" }, "instructor");
    const lateName = "P8 Hanna";
    const { course, enrollmentIds, sessions } = await courseWith(
      instructor,
      CLOSING_CASE.map((person) => person.name).filter((name) => name !== lateName),
      { lastDay: { year: 2027, month: 2, day: 2 }, category: "vocational" },
    );
    expect(sessions).toHaveLength(10);
    const late = await makePerson(db, { name: lateName });
    const lateSeat = await register(
      db,
      { courseId: course.id, personId: late.id, fullName: lateName, phone: undefined, germanLevel: undefined },
      new Date("2026-12-24T10:00:00Z"),
    );
    if (lateSeat.outcome !== "enrolled") throw new Error("no seat");
    const idOf = new Map<string, number>(
      CLOSING_CASE.map((person) => person.name)
        .filter((name) => name !== lateName)
        .map((name, index) => [name, enrollmentIds[index] ?? 0]),
    );
    idOf.set(lateName, lateSeat.enrollment.id);

    await cancelSession(db, instructor, (sessions[2] as CourseSession).id, new Date("2026-12-10T10:00:00Z"));
    const held = sessions.filter((_, index) => index !== 2 && index !== 9);
    for (const [index, session] of held.entries()) {
      const marks = CLOSING_CASE.flatMap((person) => {
        const status = LETTERS[person.marks[index] ?? "-"];
        return status ? [{ enrollmentId: idOf.get(person.name) ?? 0, status }] : [];
      });
      await saveAttendance(db, instructor, session.id, marks, during(session), BERLIN);
    }
    // Hanna was not on the lists before she joined: marks sent for her there were ignored.
    expect(await db.attendance.count({ where: { enrollmentId: idOf.get(lateName) } })).toBe(5);

    const afterLastSession = new Date("2027-02-02T15:00:00Z");
    for (const name of ["P9 Ida", "P10 Jan"] as const) {
      const expected = CLOSING_CASE.find((person) => person.name === name)?.expected ?? "dropped";
      await recordOutcome(
        db,
        instructor,
        idOf.get(name) as number,
        { status: expected, outcome: "none_yet" },
        afterLastSession,
      );
    }

    const shares = await attendanceShares(db, course.id);
    expect(shares.get(idOf.get("P4 Dora") as number)).toEqual({ held: 8, present: 5, excused: 2, countable: 6 });
    expect(shares.get(idOf.get(lateName) as number)).toEqual({ held: 5, present: 4, excused: 0, countable: 5 });

    // Other tests' courses in this database end earlier; only this course is looked at.
    const closedHere = async (now: Date) =>
      (await closeEndedCourses(db, now, BERLIN)).closed.filter((closed) => closed.courseId === course.id);
    // The evening of the last day: the day has not passed yet.
    expect(await closedHere(new Date("2027-02-02T20:00:00Z"))).toEqual([]);

    const night = new Date("2027-02-03T00:30:00Z"); // 01:30 in Berlin
    expect(await closedHere(night)).toEqual([{ courseId: course.id, completed: 5, dropped: 3 }]);
    const enrollments = await db.enrollment.findMany({ where: { courseId: course.id } });
    const statusOf = (name: string) => enrollments.find((enrollment) => enrollment.id === idOf.get(name));
    for (const person of CLOSING_CASE)
      expect({ name: person.name, status: statusOf(person.name)?.status }).toEqual({
        name: person.name,
        status: person.expected,
      });
    expect(statusOf("P1 Adam")).toMatchObject({ endedAt: night, statusSetByHand: false });
    expect(statusOf("P9 Ida")).toMatchObject({
      endedAt: afterLastSession,
      statusSetByHand: true,
      outcomeAtLeaving: "none_yet",
    });

    expect(await closedHere(new Date("2027-02-04T00:30:00Z"))).toEqual([]);
    expect(await db.enrollment.findMany({ where: { courseId: course.id } })).toEqual(enrollments);
  });

  it("leaves a course without any attendance open and names it", async () => {
    const { course, enrollmentIds } = await courseWith(null, ["Kai Nowak", "Lena Petrow"], {
      lastDay: { year: 2027, month: 1, day: 5 },
    });
    const report = await closeEndedCourses(db, new Date("2027-01-07T00:30:00Z"), BERLIN);
    expect(report.withoutAttendance).toContain(course.id);
    expect(report.closed.map((closed) => closed.courseId)).not.toContain(course.id);
    expect(await db.enrollment.findMany({ where: { id: { in: enrollmentIds } }, select: { status: true } })).toEqual([
      { status: "active" },
      { status: "active" },
    ]);
  });
});

describe("closing a course now", () => {
  it("decides by the nightly rule once the last day has passed, for managers only, and only once", async () => {
    const instructor = await staff({ name: "Ines" }, "instructor");
    const manager = await staff({ name: "Max" }, "manager");
    const { course, enrollmentIds, sessions } = await courseWith(instructor, ["Oskar", "Paula"], {
      lastDay: { year: 2027, month: 1, day: 12 },
    });
    const [oskar, paula] = enrollmentIds as [number, number];
    const lastDayEvening = new Date("2027-01-12T20:00:00Z");
    expect(await closeCourseNow(db, manager, course.id, lastDayEvening, BERLIN)).toEqual({ outcome: "not_ended" });
    const nextMorning = new Date("2027-01-13T08:00:00Z");
    expect(await closeCourseNow(db, manager, course.id, nextMorning, BERLIN)).toEqual({ outcome: "no_attendance" });
    for (const session of sessions) {
      await saveAttendance(
        db,
        manager,
        session.id,
        [
          { enrollmentId: oskar, status: "present" },
          { enrollmentId: paula, status: "absent" },
        ],
        during(session),
        BERLIN,
      );
    }
    await expect(closeCourseNow(db, instructor, course.id, nextMorning, BERLIN)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await closeCourseNow(db, manager, course.id, nextMorning, BERLIN)).toEqual({
      outcome: "closed",
      completed: 1,
      dropped: 1,
    });
    expect(
      await db.enrollment.findMany({
        where: { id: { in: [oskar, paula] } },
        orderBy: { id: "asc" },
        select: { status: true, statusSetByHand: true, endedAt: true },
      }),
    ).toEqual([
      { status: "completed", statusSetByHand: false, endedAt: nextMorning },
      { status: "dropped", statusSetByHand: false, endedAt: nextMorning },
    ]);
    expect(await closeCourseNow(db, manager, course.id, nextMorning, BERLIN)).toEqual({ outcome: "nothing_open" });
    expect(await closeCourseNow(db, manager, 999_999, nextMorning, BERLIN)).toEqual({ outcome: "not_found" });
  });
});

describe("correcting the attendance of a closed course", () => {
  it("decides the closing job's decisions again by the same rule and flags hand-set ones the share contradicts", async () => {
    const manager = await staff({ name: "Maria" }, "manager");
    const { course, enrollmentIds, sessions } = await courseWith(null, ["Anja", "Boris", "Clara"], {
      lastDay: { year: 2027, month: 1, day: 5 },
    });
    const [anja, boris, clara] = enrollmentIds as [number, number, number];
    expect(sessions).toHaveLength(6);
    const borisMarks: AttendanceStatus[] = ["absent", "absent", "present", "present", "present", "present"]; // 4/6 = 67 %
    for (const [index, session] of sessions.entries()) {
      const marks = [
        { enrollmentId: anja, status: "present" as const },
        { enrollmentId: boris, status: borisMarks[index] ?? "absent" },
        { enrollmentId: clara, status: "absent" as const },
      ];
      await saveAttendance(db, manager, session.id, marks, during(session), BERLIN);
    }
    await recordOutcome(db, manager, clara, { status: "completed", outcome: null }, new Date("2027-01-06T10:00:00Z"));
    await closeEndedCourses(db, new Date("2027-01-07T00:30:00Z"), BERLIN);
    const statuses = async () =>
      (await db.enrollment.findMany({ where: { courseId: course.id }, orderBy: { id: "asc" } })).map((row) => [
        row.status,
        row.endedAt?.toISOString(),
      ]);
    const closed = await statuses();
    expect(closed.map(([status]) => status)).toEqual(["completed", "dropped", "completed"]);

    const later = new Date("2027-01-20T10:00:00Z");
    const first = sessions[0] as CourseSession;
    const second = sessions[1] as CourseSession;
    // Boris was present on the first day after all (5/6 = 83 %); Anja missed the first two (4/6 = 67 %).
    await saveAttendance(
      db,
      manager,
      first.id,
      [
        { enrollmentId: boris, status: "present" },
        { enrollmentId: anja, status: "absent" },
      ],
      later,
      BERLIN,
    );
    await saveAttendance(db, manager, second.id, [{ enrollmentId: anja, status: "absent" }], later, BERLIN);
    const corrected = await statuses();
    expect(corrected.map(([status]) => status)).toEqual(["dropped", "completed", "completed"]);
    // When they left stays as it was.
    expect(corrected.map(([, endedAt]) => endedAt)).toEqual(closed.map(([, endedAt]) => endedAt));

    const outcomes = await courseOutcomes(db, manager, course.id);
    const flagged = outcomes?.entries
      .filter(({ enrollment, share }) => contradictsShare(enrollment, share, course.attendanceThreshold))
      .map(({ enrollment }) => enrollment.id);
    expect(flagged).toEqual([clara]);
  });
});

describe("outcomes", () => {
  it("allows only a dropout before the end, which frees the seat for the waiting list", async () => {
    const instructor = await staff({ name: "Ina" }, "instructor");
    const { course, enrollmentIds } = await courseWith(instructor, ["Mona Berg"], {
      capacity: 1,
      category: "vocational",
    });
    const waiting = await makePerson(db, { name: "Nils Ott" });
    await register(
      db,
      { courseId: course.id, personId: waiting.id, fullName: "Nils Ott", phone: undefined, germanLevel: undefined },
      new Date("2026-11-21T10:00:00Z"),
    );
    const during = new Date("2026-12-10T10:00:00Z");
    const enrollmentId = enrollmentIds[0] as number;

    expect(await recordOutcome(db, instructor, enrollmentId, { status: "completed", outcome: null }, during)).toEqual({
      outcome: "not_ended",
    });
    const dropout = await recordOutcome(
      db,
      instructor,
      enrollmentId,
      { status: "dropped", outcome: "employment" },
      during,
    );
    expect(dropout).toMatchObject({
      outcome: "recorded",
      enrollment: { status: "dropped", statusSetByHand: true, outcomeAtLeaving: "employment", endedAt: during },
    });
    expect(dropout.outcome === "recorded" && dropout.promoted?.recipient.personId).toBe(waiting.id);
    await expect(
      recordOutcome(db, { id: 0, roles: [] }, enrollmentId, { status: "dropped", outcome: null }, during),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("keeps no leaving outcome for courses that do not measure placement", async () => {
    const instructor = await staff({ name: "Iris" }, "instructor");
    const { enrollmentIds } = await courseWith(instructor, ["Olga Kern"], { category: "language" });
    const result = await recordOutcome(
      db,
      instructor,
      enrollmentIds[0] as number,
      { status: "completed", outcome: "employment" },
      new Date("2027-02-01T10:00:00Z"),
    );
    expect(result).toMatchObject({ outcome: "recorded", enrollment: { status: "completed", outcomeAtLeaving: null } });
  });
});

/** The reminder job with the attendance reminders only; what it sends is collected in `sent`. */
function attendanceReminderJob() {
  const sent: { chatId: number; text: string; buttons: string[] }[] = [];
  const send: SendText = (chatId, text, options) => {
    sent.push({
      chatId,
      text,
      buttons: options?.reply_markup?.inline_keyboard.flat().map((button) => button.callback_data ?? "") ?? [],
    });
    return Promise.resolve();
  };
  return {
    sent,
    run: (now: Date) =>
      runReminderJob({ db, timeZone: BERLIN, logger: silentLogger }, send, now, [attendanceReminders]),
  };
}

describe("the six-month follow-up", () => {
  const { sent, run } = attendanceReminderJob();

  it("asks the instructor about vocational and school-certificate leavers, once, at 10:00 six months later", async () => {
    const instructor = await staff({ name: "Isolde", chatId: 7_001 }, "instructor");
    const vocational = await courseWith(instructor, ["Paul Frank", "Quirin Maas"], {
      category: "vocational",
      titleDe: "Bewerbungstraining",
    });
    const language = await courseWith(instructor, ["Rosa Stein"], { category: "language" });
    const ended = new Date("2027-02-03T00:30:00Z");
    for (const [enrollmentId, status] of [
      [vocational.enrollmentIds[0], "completed"],
      [vocational.enrollmentIds[1], "dropped"],
      [language.enrollmentIds[0], "completed"],
    ] as const) {
      await db.enrollment.update({
        where: { id: enrollmentId },
        data: { status, endedAt: ended, outcomeAtLeaving: status === "completed" ? "apprenticeship" : null },
      });
    }
    await db.enrollment.update({ where: { id: vocational.enrollmentIds[1] }, data: { outcomeAfter6m: "employment" } });

    // 3 August 2027, 10:00 in Berlin (08:00 UTC). (Other tests' people here have no chat.)
    await run(new Date("2027-08-03T07:59:00Z"));
    const planned = await db.reminder.findMany({ where: { kind: "outcome_six_months", personId: instructor.id } });
    expect(planned.map((reminder) => [reminder.enrollmentId, reminder.dueAt.toISOString(), reminder.sentAt])).toEqual([
      [vocational.enrollmentIds[0], "2027-08-03T08:00:00.000Z", null],
    ]);
    expect(sent).toEqual([]);
    await run(new Date("2027-08-03T08:00:00Z"));
    await run(new Date("2027-08-03T08:01:00Z"));
    expect(await db.reminder.count({ where: { kind: "outcome_six_months", personId: instructor.id } })).toBe(1);
    expect(sent).toEqual([
      {
        chatId: 7_001,
        text: "📋 Nachgefragt, ein halbes Jahr später\n\nPaul Frank hat „Bewerbungstraining“ am 3. Februar 2027 verlassen (abgeschlossen; damals: Ausbildung).\nWas macht Paul Frank heute?",
        buttons: ["apprenticeship", "employment", "further_schooling", "none_yet", "unknown"].map(
          (answer) => `att_6m:${vocational.enrollmentIds[0]}:${answer}`,
        ),
      },
    ]);

    const answered = await recordOutcomeAfterSixMonths(
      db,
      instructor,
      vocational.enrollmentIds[0] as number,
      "employment",
    );
    expect(answered?.outcomeAfter6m).toBe("employment");
    expect(
      await recordOutcomeAfterSixMonths(db, instructor, language.enrollmentIds[0] as number, "employment"),
    ).toBeUndefined();
  });

  it("asks the managers when the course has no instructor, and tells them once when a course ended without attendance", async () => {
    sent.length = 0;
    const managers = [
      await staff({ name: "Mara", chatId: 7_101 }, "manager"),
      await staff({ name: "Moritz", chatId: 7_102, language: "ru" }, "manager"),
    ];
    const { enrollmentIds } = await courseWith(null, ["Sina Vogt"], {
      category: "school_certificate",
      lastDay: { year: 2027, month: 2, day: 2 },
    });
    await db.enrollment.update({
      where: { id: enrollmentIds[0] },
      data: { status: "dropped", endedAt: new Date("2026-12-15T12:00:00Z") },
    });
    const course = await courseWith(null, ["Tom Rau"], {
      titleDe: "Ohne Liste",
      titleRu: "Без списка",
      lastDay: { year: 2027, month: 6, day: 8 },
    });

    // 9 June 2027, 09:00 in Berlin: the day after the course without attendance ended.
    await run(new Date("2027-06-09T07:00:00Z"));
    expect(sent.map((message) => message.chatId)).toEqual(managers.map((_, index) => 7_101 + index));
    expect(sent[1]?.text).toContain("Курс «Без списка» закончился 8 июня 2027");
    expect(sent[0]?.buttons).toEqual([`att:sessions:${course.course.id}:0`, `att_ol:${course.course.id}:0`]);
    await run(new Date("2027-06-09T07:01:00Z"));
    expect(sent).toHaveLength(2);

    // 15 June 2027 at 10:00: six months after Sina dropped out on 15 December 2026.
    sent.length = 0;
    await run(new Date("2027-06-15T08:00:00Z"));
    expect(sent.map((message) => message.text.split("\n")[2])).toEqual([
      "Sina Vogt hat „Deutsch A1 – Alltag“ am 15. Dezember 2026 verlassen (abgebrochen; damals: nicht erfasst).",
      "Sina Vogt, курс «Немецкий A1 — быт»: участие закончилось 15 декабря 2026 г. (курс прерван; тогда: не указано).",
    ]);
  });
});

describe("the notice about missing outcomes at leaving", () => {
  const { sent, run } = attendanceReminderJob();
  /** Five Tuesdays, the last on 5 October 2027; closed in the night to the 6th. */
  const autumn = { firstDay: { year: 2027, month: 9, day: 7 }, lastDay: { year: 2027, month: 10, day: 5 } } as const;

  async function leave(
    enrollmentIds: readonly number[],
    statuses: readonly ("completed" | "dropped")[],
    outcomeAtLeaving: "employment" | null = null,
  ) {
    for (const [index, id] of enrollmentIds.entries()) {
      await db.enrollment.update({
        where: { id },
        data: { status: statuses[index] ?? "completed", endedAt: new Date("2027-10-06T00:30:00Z"), outcomeAtLeaving },
      });
    }
  }

  it("asks the instructor of a closed vocational course once, and drops the notice whose outcomes were recorded meanwhile", async () => {
    const instructor = await staff({ name: "Inge", chatId: 7_201 }, "instructor");
    const care = await courseWith(instructor, ["Uwe Klein", "Vera Lutz", "Wanda Ries"], {
      ...autumn,
      category: "vocational",
      titleDe: "Pflegehilfe",
    });
    for (const session of care.sessions)
      await saveAttendance(
        db,
        instructor,
        session.id,
        marksFor(care.enrollmentIds, ["present", "absent", "present"]),
        during(session),
        BERLIN,
      );
    const closing = await closeEndedCourses(db, new Date("2027-10-06T00:30:00Z"), BERLIN);
    expect(closing.closed.filter((closed) => closed.courseId === care.course.id)).toEqual([
      { courseId: care.course.id, completed: 2, dropped: 1 },
    ]);
    await recordOutcome(
      db,
      instructor,
      care.enrollmentIds[2] as number,
      { status: "completed", outcome: "apprenticeship" },
      new Date("2027-10-06T06:00:00Z"),
    );

    const language = await courseWith(instructor, ["Xaver Busch"], { ...autumn, category: "language" });
    await leave(language.enrollmentIds, ["completed"]);
    const recorded = await courseWith(instructor, ["Yara Hahn"], { ...autumn, category: "vocational" });
    await leave(recorded.enrollmentIds, ["dropped"], "employment");
    const recordedLater = await courseWith(instructor, ["Zoe Brandt", "Adam Kurz"], {
      ...autumn,
      category: "school_certificate",
    });
    await leave(recordedLater.enrollmentIds, ["completed", "dropped"]);

    // 6 October 2027, 08:59 in Berlin (06:59 UTC).
    await run(new Date("2027-10-06T06:59:00Z"));
    const planned = await db.reminder.findMany({
      where: { kind: "outcomes_missing", personId: instructor.id },
      orderBy: { id: "asc" },
    });
    expect(planned.map((reminder) => [reminder.sessionId, reminder.dueAt.toISOString()])).toEqual([
      [care.sessions.at(-1)?.id, "2027-10-06T07:00:00.000Z"],
      [recordedLater.sessions.at(-1)?.id, "2027-10-06T07:00:00.000Z"],
    ]);
    expect(sent).toEqual([]);

    for (const id of recordedLater.enrollmentIds)
      await recordOutcome(
        db,
        instructor,
        id,
        { status: "completed", outcome: "further_schooling" },
        new Date("2027-10-06T06:59:30Z"),
      );
    await run(new Date("2027-10-06T07:00:00Z"));
    await run(new Date("2027-10-06T07:01:00Z"));
    expect(await db.reminder.count({ where: { kind: "outcomes_missing", personId: instructor.id } })).toBe(2);
    // Once, and only about the course whose outcomes are still open: two of three (Wanda's was recorded).
    expect(sent.map((message) => [message.chatId, message.text, message.buttons])).toEqual([
      [
        7_201,
        "Der Kurs „Pflegehilfe“ ist beendet: 2 abgeschlossen, 1 abgebrochen. Bitte tragen Sie ein, wie es für die Teilnehmenden weitergeht (noch offen: 2).",
        [`att_ol:${care.course.id}:0`],
      ],
    ]);
    expect(
      await db.reminder.findFirstOrThrow({
        where: { kind: "outcomes_missing", sessionId: recordedLater.sessions.at(-1)?.id },
      }),
    ).toMatchObject({ sentAt: null, cancelledAt: new Date("2027-10-06T07:00:00Z") });
  });

  it("asks every manager when the course has no instructor", async () => {
    sent.length = 0;
    const course = await courseWith(null, ["Bea Lorenz", "Carl Stein"], {
      ...autumn,
      category: "school_certificate",
      titleDe: "Hauptschulabschluss",
      titleRu: "Аттестат",
    });
    await leave(course.enrollmentIds, ["completed", "dropped"]);

    await run(new Date("2027-10-06T07:02:00Z"));
    // Mara and Moritz, the managers with a chat (of the six-month test above).
    expect(sent.map((message) => [message.chatId, message.text, message.buttons])).toEqual([
      [
        7_101,
        "Der Kurs „Hauptschulabschluss“ ist beendet: 1 abgeschlossen, 1 abgebrochen. Bitte tragen Sie ein, wie es für die Teilnehmenden weitergeht (noch offen: 2).",
        [`att_ol:${course.course.id}:0`],
      ],
      [
        7_102,
        "Курс «Аттестат» завершён: окончили — 1, прервали — 1. Пожалуйста, отметьте, чем участники будут заниматься дальше (ещё не указано: 2).",
        [`att_ol:${course.course.id}:0`],
      ],
    ]);
  });
});
