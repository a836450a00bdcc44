import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { ForbiddenError } from "../../src/people/roles.js";
import { managedCourses, myCourses, register, withdraw } from "../../src/features/courses/service.js";
import {
  cancelSession,
  closeCourse,
  createCourse,
  moveSession,
  participants,
  removeParticipant,
  setCourseInstructor,
  updateCourse,
} from "../../src/features/courses/management/service.js";
import { courseSessionReminders } from "../../src/features/courses/reminders.js";
import { addReminders } from "../../src/jobs/reminder-source.js";
import { createTestDb } from "../support/db.js";
import { courseInput, OFFICE as manager } from "../support/fixtures.js";

let db: Db;
const resident = { id: 0, roles: [] };
const NOW = new Date("2026-11-25T10:00:00Z");

beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

async function people(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < count; index++) {
    const person = await db.person.create({
      data: { telegramId: BigInt(100_000 + Math.floor(Math.random() * 1e9)), chatId: 1n, consentAt: NOW },
    });
    ids.push(person.id);
  }
  return ids;
}

function registration(courseId: number, personId: number) {
  return { courseId, personId, fullName: "Test Person", phone: undefined, germanLevel: undefined };
}

describe("creating courses", () => {
  it("generates weekly sessions at the same Berlin time across the daylight-saving change", async () => {
    const course = await createCourse(
      db,
      manager,
      courseInput({ lastDay: { year: 2027, month: 4, day: 30 } }),
      "Europe/Berlin",
    );
    const sessions = await db.courseSession.findMany({ where: { courseId: course.id }, orderBy: { startsAt: "asc" } });
    expect(sessions).toHaveLength(22); // Tuesdays from 1 Dec 2026 to 27 Apr 2027
    expect(sessions[0]?.startsAt.toISOString()).toBe("2026-12-01T08:00:00.000Z"); // 09:00 CET
    expect(sessions.at(-1)?.startsAt.toISOString()).toBe("2027-04-27T07:00:00.000Z"); // 09:00 CEST
    expect(course.startsOn).toEqual(sessions[0]?.startsAt);
  });

  it("is for managers only", async () => {
    await expect(createCourse(db, resident, courseInput(), "Europe/Berlin")).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("registration", () => {
  it("gives exactly the free seats to the first of 30 simultaneous presses and waitlists the rest in order", async () => {
    const course = await createCourse(db, manager, courseInput({ capacity: 3 }), "Europe/Berlin");
    const ids = await people(30);
    const arrival = (index: number) => new Date(NOW.getTime() + index);
    const results = await Promise.all(
      ids.map((personId, index) => register(db, registration(course.id, personId), arrival(index))),
    );

    expect(results.filter((result) => result.outcome === "enrolled")).toHaveLength(3);
    // Transactions run one at a time in the order they were started: the first three arrivals sit.
    expect(results.slice(0, 3).map((result) => result.outcome)).toEqual(["enrolled", "enrolled", "enrolled"]);
    expect(results.filter((result) => result.outcome === "waitlisted")).toHaveLength(27);
    expect(await db.enrollment.count({ where: { courseId: course.id, status: "active" } })).toBe(3);
    const waiting = await db.enrollment.findMany({
      where: { courseId: course.id, status: "waitlisted" },
      orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    });
    const positions = results.flatMap((result, index) =>
      result.outcome === "waitlisted" ? [{ personId: ids[index], position: result.position }] : [],
    );
    expect(positions.map((entry) => entry.position).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 27 }, (_, index) => index + 1),
    );
    expect(waiting.map((enrollment) => enrollment.personId)).toEqual(
      positions.sort((a, b) => a.position - b.position).map((entry) => entry.personId),
    );
  });

  it("refuses a second registration politely and allows one after withdrawing", async () => {
    const course = await createCourse(db, manager, courseInput(), "Europe/Berlin");
    const [personId = 0] = await people(1);
    const first = await register(db, registration(course.id, personId), NOW);
    expect(first.outcome).toBe("enrolled");
    expect((await register(db, registration(course.id, personId), NOW)).outcome).toBe("already_registered");
    if (first.outcome !== "enrolled") throw new Error("unreachable");
    await withdraw(db, personId, first.enrollment.id, NOW);
    expect((await register(db, registration(course.id, personId), NOW)).outcome).toBe("enrolled");
  });

  it("promotes the first on the waiting list when a seat frees, and tells who", async () => {
    const course = await createCourse(db, manager, courseInput({ capacity: 1 }), "Europe/Berlin");
    const [first = 0, second = 0, third = 0] = await people(3);
    const seat = await register(db, registration(course.id, first), NOW);
    await register(db, registration(course.id, second), new Date(NOW.getTime() + 1));
    await register(db, registration(course.id, third), new Date(NOW.getTime() + 2));
    if (seat.outcome !== "enrolled") throw new Error("expected a seat");

    const left = await withdraw(db, first, seat.enrollment.id, NOW);
    expect(left).toMatchObject({ outcome: "left", promoted: { recipient: { personId: second } } });
    expect((await myCourses(db, third, NOW))[0]).toMatchObject({ waitlistPosition: 1 });

    const secondEnrollment = await db.enrollment.findFirstOrThrow({ where: { courseId: course.id, personId: second } });
    const removed = await removeParticipant(db, manager, secondEnrollment.id, NOW);
    expect(removed).toMatchObject({
      outcome: "left",
      promoted: { recipient: { personId: third } },
      removed: { personId: second },
    });
  });

  it("refuses people who are not staff to remove participants, and changes nothing", async () => {
    const course = await createCourse(db, manager, courseInput(), "Europe/Berlin");
    const [personId = 0] = await people(1);
    const result = await register(db, registration(course.id, personId), NOW);
    if (result.outcome !== "enrolled") throw new Error("expected a seat");
    await expect(removeParticipant(db, resident, result.enrollment.id, NOW)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: result.enrollment.id } })).status).toBe("active");
  });

  it("raising the capacity moves people up", async () => {
    const course = await createCourse(db, manager, courseInput({ capacity: 1 }), "Europe/Berlin");
    const ids = await people(3);
    for (const [index, personId] of ids.entries())
      await register(db, registration(course.id, personId), new Date(NOW.getTime() + index));
    const result = await updateCourse(db, manager, course.id, { field: "capacity", value: 3 }, NOW);
    expect(result?.promoted.map((promotion) => promotion.recipient.personId)).toEqual(ids.slice(1));
    await expect(updateCourse(db, resident, course.id, { field: "capacity", value: 9 }, NOW)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("managing", () => {
  it("shows instructors their own courses only", async () => {
    const [instructorId = 0, otherId = 0] = await people(2);
    const instructor = { id: instructorId, roles: ["instructor" as const] };
    const own = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Eigener Kurs", instructorId }),
      "Europe/Berlin",
    );
    const foreign = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Fremder Kurs", instructorId: otherId }),
      "Europe/Berlin",
    );

    expect((await managedCourses(db, instructor)).map((course) => course.id)).toEqual([own.id]);
    expect((await participants(db, instructor, own.id))?.course.id).toBe(own.id);
    await expect(participants(db, instructor, foreign.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await managedCourses(db, { id: instructorId, roles: [] })).toEqual([]);
    expect((await managedCourses(db, manager)).length).toBeGreaterThanOrEqual(2);
  });

  it("cancelling a session returns the participants and drops its reminders", async () => {
    const course = await createCourse(db, manager, courseInput(), "Europe/Berlin");
    const [personId = 0] = await people(1);
    const result = await register(db, registration(course.id, personId), NOW);
    if (result.outcome !== "enrolled") throw new Error("expected a seat");
    const session = await db.courseSession.findFirstOrThrow({
      where: { courseId: course.id },
      orderBy: { startsAt: "asc" },
    });
    await db.reminder.create({
      data: {
        kind: "course_session_soon",
        dedupeKey: `t:${session.id}`,
        personId,
        dueAt: session.startsAt,
        sessionId: session.id,
        enrollmentId: result.enrollment.id,
      },
    });

    const cancelled = await cancelSession(db, manager, session.id, NOW);
    expect(cancelled?.recipients.map((recipient) => recipient.personId)).toEqual([personId]);
    expect((await db.reminder.findFirstOrThrow({ where: { sessionId: session.id } })).cancelledAt).toEqual(NOW);
    expect(await cancelSession(db, manager, session.id, NOW)).toBeUndefined(); // already cancelled
    expect((await db.courseSession.findUniqueOrThrow({ where: { id: session.id } })).sequence).toBe(1);
  });

  it("moving a session changes its time, drops its unsent reminders, plans new ones and tells the active participants", async () => {
    const course = await createCourse(db, manager, courseInput({ capacity: 1 }), "Europe/Berlin");
    const [activeId = 0, waitingId = 0, strangerId = 0] = await people(3);
    const result = await register(db, registration(course.id, activeId), NOW);
    if (result.outcome !== "enrolled") throw new Error("expected a seat");
    expect((await register(db, registration(course.id, waitingId), new Date(NOW.getTime() + 1))).outcome).toBe(
      "waitlisted",
    );
    const session = await db.courseSession.findFirstOrThrow({
      where: { courseId: course.id },
      orderBy: { startsAt: "asc" },
    });
    const context = { db, timeZone: "Europe/Berlin" };
    const planNow = new Date("2026-11-30T10:00:00Z"); // within the planning horizon of the 1 December session
    await addReminders(
      db,
      (await courseSessionReminders.plan(context, planNow)).filter((reminder) => reminder.sessionId === session.id),
      planNow,
    );
    const before = await db.reminder.findMany({ where: { sessionId: session.id } });
    expect(before).toHaveLength(2);

    const to = { startsAt: new Date("2026-12-01T13:00:00Z"), endsAt: new Date("2026-12-01T16:00:00Z") }; // the same Tuesday, 14:00–17:00 in Berlin
    const instructor = { id: strangerId, roles: ["instructor" as const] };
    await expect(moveSession(db, instructor, session.id, to, planNow)).rejects.toBeInstanceOf(ForbiddenError);
    expect(
      await moveSession(
        db,
        manager,
        session.id,
        { startsAt: new Date(planNow.getTime() - 1), endsAt: planNow },
        planNow,
      ),
    ).toEqual({ outcome: "in_past" });

    const moved = await moveSession(db, manager, session.id, to, planNow);
    if (moved.outcome !== "moved") throw new Error("expected the session to move");
    expect(moved.previous.startsAt).toEqual(session.startsAt);
    expect(moved.session).toMatchObject({ startsAt: to.startsAt, endsAt: to.endsAt, sequence: 1 });
    expect(moved.recipients.map((recipient) => recipient.personId)).toEqual([activeId]); // not the waiting list
    for (const reminder of await db.reminder.findMany({ where: { id: { in: before.map((row) => row.id) } } }))
      expect(reminder.cancelledAt).toEqual(planNow);

    // The reminder job plans the reminders again, for the new time.
    expect(await addReminders(db, await courseSessionReminders.plan(context, planNow), planNow)).toBeGreaterThanOrEqual(
      2,
    );
    const fresh = await db.reminder.findMany({
      where: { sessionId: session.id, cancelledAt: null },
      orderBy: { dueAt: "asc" },
    });
    expect(fresh.map((reminder) => reminder.dueAt)).toEqual([
      new Date("2026-11-30T17:00:00Z"),
      new Date("2026-12-01T11:00:00Z"),
    ]);

    await cancelSession(db, manager, session.id, planNow);
    expect(await moveSession(db, manager, session.id, to, planNow)).toEqual({ outcome: "gone" });
  });

  it("closing a course releases the waiting list", async () => {
    const course = await createCourse(db, manager, courseInput({ capacity: 1 }), "Europe/Berlin");
    const [first = 0, second = 0] = await people(2);
    await register(db, registration(course.id, first), NOW);
    await register(db, registration(course.id, second), new Date(NOW.getTime() + 1));
    const closed = await closeCourse(db, manager, course.id, NOW);
    expect(closed?.released.map((recipient) => recipient.personId)).toEqual([second]);
    expect((await register(db, registration(course.id, (await people(1))[0] ?? 0), NOW)).outcome).toBe("unavailable");
  });
});

describe("changing a course's instructor", () => {
  it("hands the course to a person with the instructor role or to nobody; only managers may", async () => {
    const course = await createCourse(db, manager, courseInput(), "Europe/Berlin");
    const instructor = await db.person.create({
      data: { firstName: "Irma", roles: { create: { role: "instructor" } } },
    });
    const somebody = await db.person.create({ data: { firstName: "Sven" } });
    await expect(
      setCourseInstructor(db, { id: instructor.id, roles: ["instructor"] }, course.id, instructor.id),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await setCourseInstructor(db, manager, course.id, somebody.id)).toEqual({ outcome: "not_instructor" });
    expect(await setCourseInstructor(db, manager, 999_999, instructor.id)).toEqual({ outcome: "not_found" });
    const changed = await setCourseInstructor(db, manager, course.id, instructor.id);
    expect(changed.outcome === "changed" && changed.course.instructorId).toBe(instructor.id);
    expect((await managedCourses(db, { id: instructor.id, roles: ["instructor"] })).map((own) => own.id)).toContain(
      course.id,
    );
    expect(await setCourseInstructor(db, manager, course.id, null)).toMatchObject({
      outcome: "changed",
      course: { instructorId: null },
    });
  });
});
