import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { ForbiddenError } from "../../src/people/roles.js";
import { cancelRsvp, getEventSummary, listUpcomingEvents, signUp } from "../../src/features/events/service.js";
import {
  CHECKIN_CODE,
  addWalkIns,
  checkInByCode,
  checkInRsvp,
  closeAttendance,
  reopenAttendance,
  newCheckinCode,
} from "../../src/features/events/checkin-service.js";
import {
  cancelEvent,
  createEvents,
  eventAttendance,
  type EventInput,
} from "../../src/features/events/management/service.js";
import { createTestDb } from "../support/db.js";

let db: Db;
const manager = { id: 0, roles: ["manager" as const] };
const resident = { id: 0, roles: [] };
/** Wednesday 25 November 2026, 11:00 in Belm. */
const NOW = new Date("2026-11-25T10:00:00Z");
const HOUR = 60 * 60_000;

beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

function eventInput(overrides: Partial<EventInput> = {}): EventInput {
  return {
    titleDe: "Spieleabend",
    titleRu: "Вечер игр",
    descriptionDe: "Spiele für alle Generationen",
    descriptionRu: "Игры для всех поколений",
    kind: "club",
    place: "Quartierstreff",
    capacity: 4,
    asksPartySize: true,
    organiserId: null,
    day: { year: 2026, month: 11, day: 26 },
    from: "18:30",
    to: "21:00",
    weeks: 1,
    ...overrides,
  };
}

async function person(name: string) {
  return db.person.create({ data: { firstName: name, consentAt: NOW } });
}

async function oneEvent(overrides: Partial<EventInput> = {}) {
  const [event] = await createEvents(db, manager, eventInput(overrides), "Europe/Berlin");
  if (!event) throw new Error("no event created");
  return event;
}

describe("creating events", () => {
  it("creates a weekly series on Berlin's clock, each with its own unambiguous code", async () => {
    const events = await createEvents(
      db,
      manager,
      eventInput({
        titleDe: "Kindertreff",
        kind: "children",
        day: { year: 2027, month: 3, day: 17 },
        from: "15:00",
        to: "18:00",
        weeks: 3,
      }),
      "Europe/Berlin",
    );
    expect(events.map((event) => event.startsAt.toISOString())).toEqual([
      "2027-03-17T14:00:00.000Z",
      "2027-03-24T14:00:00.000Z",
      "2027-03-31T13:00:00.000Z", // summer time from 28 March
    ]);
    expect(new Set(events.map((event) => event.seriesKey)).size).toBe(1);
    expect(events[0]?.seriesKey).not.toBeNull();
    const codes = events.map((event) => event.checkinCode ?? "");
    expect(new Set(codes).size).toBe(3);
    for (const code of codes) expect(code).toMatch(CHECKIN_CODE);
    expect(newCheckinCode(() => 0)).toBe("AAAAAA");
    expect(codes.join("")).not.toMatch(/[01OI]/);
  });

  it("is for managers only", async () => {
    await expect(createEvents(db, resident, eventInput(), "Europe/Berlin")).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("signing up", () => {
  it("counts whole parties against the places; a party that does not fit takes fewer or waits; a single fits in behind it", async () => {
    const event = await oneEvent({ titleDe: "Zirkus", capacity: 4 });
    const [a, b, c, d] = [await person("A"), await person("B"), await person("C"), await person("D2")];
    expect((await signUp(db, { eventId: event.id, personId: a.id, partySize: 3 }, NOW)).outcome).toBe("going");
    expect(await signUp(db, { eventId: event.id, personId: b.id, partySize: 2 }, NOW)).toEqual({
      outcome: "does_not_fit",
      placesLeft: 1,
      partySize: 2,
    });
    expect(await signUp(db, { eventId: event.id, personId: b.id, partySize: 2, wait: true }, NOW)).toMatchObject({
      outcome: "waitlisted",
      position: 1,
    });
    // The free place is not lost behind the waiting party of two.
    expect((await signUp(db, { eventId: event.id, personId: c.id, partySize: 1 }, NOW)).outcome).toBe("going");
    expect(await signUp(db, { eventId: event.id, personId: d.id, partySize: 1 }, NOW)).toMatchObject({
      outcome: "waitlisted",
      position: 2,
    });
    expect((await signUp(db, { eventId: event.id, personId: a.id, partySize: 1 }, NOW)).outcome).toBe(
      "already_signed_up",
    );

    const left = await cancelRsvp(db, a.id, event.id, NOW);
    expect(left.outcome === "cancelled" && left.promoted.map((promotion) => promotion.recipient.personId)).toEqual([
      b.id,
      d.id,
    ]);
    const { summaries } = await listUpcomingEvents(db, "club", 0, 10, NOW);
    expect(summaries.find((summary) => summary.event.id === event.id)).toMatchObject({
      goingPeople: 4,
      placesLeft: 0,
      waitlistCount: 0,
    });
  });

  it("never takes a party larger than the places, and a larger waiting party keeps its position while a smaller one moves up", async () => {
    const event = await oneEvent({ titleDe: "Kinderzirkus", capacity: 4 });
    const tooMany = await signUp(
      db,
      { eventId: (await oneEvent({ capacity: 2 })).id, personId: (await person("P")).id, partySize: 5 },
      NOW,
    );
    expect(tooMany.outcome === "going" && tooMany.rsvp.partySize).toBe(2);

    const [a, b, c, d] = [await person("Q"), await person("R"), await person("S"), await person("T")];
    await signUp(db, { eventId: event.id, personId: a.id, partySize: 2 }, NOW);
    await signUp(db, { eventId: event.id, personId: b.id, partySize: 2 }, NOW);
    expect(await signUp(db, { eventId: event.id, personId: c.id, partySize: 3, wait: true }, NOW)).toMatchObject({
      outcome: "waitlisted",
      position: 1,
    });
    expect(await signUp(db, { eventId: event.id, personId: d.id, partySize: 1 }, NOW)).toMatchObject({
      outcome: "waitlisted",
      position: 2,
    });

    const first = await cancelRsvp(db, b.id, event.id, NOW);
    expect(first.outcome === "cancelled" && first.promoted.map((promotion) => promotion.recipient.personId)).toEqual([
      d.id,
    ]);
    expect(
      await db.rsvp.findUniqueOrThrow({ where: { eventId_personId: { eventId: event.id, personId: c.id } } }),
    ).toMatchObject({ status: "waitlisted" });
    const second = await cancelRsvp(db, a.id, event.id, NOW);
    expect(second.outcome === "cancelled" && second.promoted.map((promotion) => promotion.recipient.personId)).toEqual([
      c.id,
    ]);
  });

  it("ignores a party size for events that do not ask for one, and refuses started or cancelled events", async () => {
    const event = await oneEvent({ asksPartySize: false });
    const a = await person("D");
    const result = await signUp(db, { eventId: event.id, personId: a.id, partySize: 5 }, NOW);
    expect(result.outcome === "going" && result.rsvp.partySize).toBe(1);
    expect(
      (await signUp(db, { eventId: event.id, personId: (await person("E")).id, partySize: 1 }, event.startsAt)).outcome,
    ).toBe("unavailable");
  });
});

describe("check-in", () => {
  it("a check-in without a sign-up does not push the sign-ups past the places while people wait", async () => {
    const event = await oneEvent({ titleDe: "Volles Haus", capacity: 1 });
    const [a, b, walkIn] = [await person("U"), await person("V"), await person("W")];
    await signUp(db, { eventId: event.id, personId: a.id, partySize: 1 }, NOW);
    await signUp(db, { eventId: event.id, personId: b.id, partySize: 1 }, NOW);
    const beforeStart = new Date(event.startsAt.getTime() - HOUR);
    expect((await checkInByCode(db, walkIn.id, event.checkinCode ?? "", beforeStart)).outcome).toBe("checked_in");
    expect(await getEventSummary(db, event.id)).toMatchObject({ goingPeople: 1, placesLeft: 0, waitlistCount: 1 });

    const left = await cancelRsvp(db, a.id, event.id, beforeStart);
    expect(left.outcome === "cancelled" && left.promoted.map((promotion) => promotion.recipient.personId)).toEqual([
      b.id,
    ]);
    expect(await getEventSummary(db, event.id)).toMatchObject({ goingPeople: 1, placesLeft: 0, waitlistCount: 0 });
  });

  it("works once, only around the event's time, and counts people who did not sign up", async () => {
    const event = await oneEvent({ titleDe: "Infoabend" });
    const code = event.checkinCode ?? "";
    const [a, b] = [await person("F"), await person("G")];
    await signUp(db, { eventId: event.id, personId: a.id, partySize: 1 }, NOW);

    expect((await checkInByCode(db, a.id, code, new Date(event.startsAt.getTime() - 2 * HOUR - 60_000))).outcome).toBe(
      "too_early",
    );
    const during = new Date(event.startsAt.getTime() + 10 * 60_000);
    expect((await checkInByCode(db, a.id, ` ${code.toLowerCase()} `, during)).outcome).toBe("checked_in");
    expect((await checkInByCode(db, a.id, code, during)).outcome).toBe("already_checked_in");
    expect((await checkInByCode(db, b.id, code, during)).outcome).toBe("checked_in");
    expect((await checkInByCode(db, b.id, "ZZZZZZ", during)).outcome).toBe("unknown_code");
    expect((await checkInByCode(db, b.id, "hello", during)).outcome).toBe("unknown_code");
    const late = new Date(event.endsAt.getTime() + 31 * 60_000);
    expect((await checkInByCode(db, (await person("H")).id, code, late)).outcome).toBe("expired");

    const attendance = await eventAttendance(db, manager, event.id);
    expect(attendance?.checkedIn).toBe(2);
    expect(attendance?.going.map((attendee) => attendee.name)).toEqual(["F", "G"]);
  });

  it("lets organisers check in from the list and count walk-ins; residents may not", async () => {
    const event = await oneEvent({ titleDe: "Kochabend" });
    const a = await person("I");
    const { rsvp } = (await signUp(db, { eventId: event.id, personId: a.id, partySize: 1 }, NOW)) as {
      rsvp: { id: number };
    };
    const during = event.startsAt;

    await expect(checkInRsvp(db, resident, rsvp.id, during)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(eventAttendance(db, resident, event.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(addWalkIns(db, resident, event.id, 1, during)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await checkInRsvp(db, manager, rsvp.id, NOW)).outcome).toBe("not_open");
    expect((await checkInRsvp(db, manager, rsvp.id, during)).outcome).toBe("checked_in");
    expect((await checkInRsvp(db, manager, rsvp.id, during)).outcome).toBe("already_checked_in");
    expect(await addWalkIns(db, manager, event.id, 2, during)).toEqual({ outcome: "added", total: 2 });

    const organiser = await db.person.create({ data: { firstName: "Olga" } });
    const instructor = { id: organiser.id, roles: ["instructor" as const] };
    await expect(eventAttendance(db, instructor, event.id)).rejects.toBeInstanceOf(ForbiddenError);
    await db.event.update({ where: { id: event.id }, data: { organiserId: organiser.id } });
    expect((await eventAttendance(db, instructor, event.id))?.walkIns).toBe(2);

    expect((await closeAttendance(db, instructor, event.id, during)).outcome).toBe("not_ended");
    expect((await closeAttendance(db, instructor, event.id, event.endsAt)).outcome).toBe("closed");
    expect((await checkInByCode(db, (await person("J")).id, event.checkinCode ?? "", event.endsAt)).outcome).toBe(
      "expired",
    );
    expect((await addWalkIns(db, manager, event.id, 1, event.endsAt)).outcome).toBe("not_open");
  });

  it("freezes check-ins and walk-ins once closed, until a manager reopens the attendance", async () => {
    const event = await oneEvent({ titleDe: "Spieleabend" });
    const forgotten = await person("K");
    const { rsvp } = (await signUp(db, { eventId: event.id, personId: forgotten.id, partySize: 1 }, NOW)) as {
      rsvp: { id: number };
    };
    const after = new Date(event.endsAt.getTime() + 10 * 60_000);
    expect((await closeAttendance(db, manager, event.id, after)).outcome).toBe("closed");
    expect((await checkInRsvp(db, manager, rsvp.id, after)).outcome).toBe("not_open");
    expect((await addWalkIns(db, manager, event.id, 3, after)).outcome).toBe("not_open");
    expect((await checkInByCode(db, forgotten.id, event.checkinCode ?? "", after)).outcome).toBe("expired");

    const organiser = { id: 0, roles: ["instructor" as const] };
    await expect(reopenAttendance(db, organiser, event.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await reopenAttendance(db, manager, event.id)).outcome).toBe("reopened");
    expect((await reopenAttendance(db, manager, event.id)).outcome).toBe("not_closed");
    expect((await checkInRsvp(db, manager, rsvp.id, after)).outcome).toBe("checked_in");
    expect(await addWalkIns(db, manager, event.id, 3, after)).toEqual({ outcome: "added", total: 3 });
    expect((await closeAttendance(db, manager, event.id, after)).outcome).toBe("closed");
  });
});

describe("cancelling an event", () => {
  it("drops pending reminders and returns everyone signed up, once", async () => {
    const event = await oneEvent({ titleDe: "Abgesagt", capacity: 1, asksPartySize: false });
    const [a, b] = [await person("K"), await person("L")];
    await signUp(db, { eventId: event.id, personId: a.id, partySize: 1 }, NOW);
    await signUp(db, { eventId: event.id, personId: b.id, partySize: 1 }, NOW);
    await db.reminder.create({
      data: { kind: "event_soon", dedupeKey: "test-soon", personId: a.id, dueAt: NOW, eventId: event.id },
    });

    await expect(cancelEvent(db, resident, event.id, NOW)).rejects.toBeInstanceOf(ForbiddenError);
    const result = await cancelEvent(db, manager, event.id, NOW);
    expect(result?.recipients.map((recipient) => recipient.personId).sort()).toEqual([a.id, b.id].sort());
    expect(await cancelEvent(db, manager, event.id, NOW)).toBeUndefined();
    expect(await db.reminder.findUniqueOrThrow({ where: { dedupeKey: "test-soon" } })).toMatchObject({
      cancelledAt: NOW,
    });
    expect((await checkInByCode(db, a.id, event.checkinCode ?? "", event.startsAt)).outcome).toBe("cancelled");
  });
});

describe("the list of upcoming events", () => {
  /** What the list must show, read through Prisma one event at a time. */
  async function expectedPage(kind: "club" | "circus" | undefined, page: number, pageSize: number) {
    const horizon = new Date(NOW.getTime() + 30 * 24 * HOUR);
    const where = { cancelledAt: null, endsAt: { gte: NOW }, startsAt: { lte: horizon }, ...(kind ? { kind } : {}) };
    const events = await db.event.findMany({ where, orderBy: [{ startsAt: "asc" }, { id: "asc" }] });
    const shown = await Promise.all(
      events.slice(page * pageSize, (page + 1) * pageSize).map((event) => getEventSummary(db, event.id)),
    );
    return { summaries: shown, total: events.length };
  }

  it("shows the same events, places and total as reading each event on its own, on every page and past the end", async () => {
    const full = await oneEvent({
      titleDe: "Circus",
      kind: "circus",
      capacity: 3,
      day: { year: 2026, month: 12, day: 3 },
    });
    const cancelled = await oneEvent({ titleDe: "Abgesagt", day: { year: 2026, month: 12, day: 4 } });
    await oneEvent({ titleDe: "Zu spät", day: { year: 2027, month: 2, day: 1 } });
    await cancelEvent(db, manager, cancelled.id, NOW);
    for (const [index, name] of ["U", "V", "W", "X"].entries()) {
      await signUp(
        db,
        { eventId: full.id, personId: (await person(name)).id, partySize: 1 + (index % 2), wait: true },
        NOW,
      );
    }
    for (const kind of ["club", "circus", undefined] as const) {
      for (const page of [0, 1, 2, 9]) {
        expect(await listUpcomingEvents(db, kind, page, 2, NOW)).toEqual(await expectedPage(kind, page, 2));
      }
    }
  });
});
