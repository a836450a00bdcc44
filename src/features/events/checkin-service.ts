import { randomInt } from "node:crypto";
import type { Db, Prisma } from "../../db.js";
import type { Event, Rsvp } from "../../generated/prisma/client.js";
import { assertRole, type Actor } from "../../people/roles.js";
import { assertCanOrganise, summarize } from "./service.js";

type Tx = Prisma.TransactionClient;

/**
 * Who came to an event: residents check in with the code shown at the venue, organisers check in
 * people from the list and count walk-ins, and close the attendance afterwards.
 */

/** A check-in code works from two hours before the start until half an hour after the end. */
export const CHECKIN_OPENS_BEFORE_MS = 2 * 60 * 60_000;
export const CHECKIN_CLOSES_AFTER_MS = 30 * 60_000;

/** Six characters without the look-alikes 0/O and 1/I, so a code read off a wall is typed right. */
export const CHECKIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const CHECKIN_CODE_LENGTH = 6;
export const CHECKIN_CODE = new RegExp(`^[${CHECKIN_ALPHABET}]{${CHECKIN_CODE_LENGTH}}$`);
const MAX_CODE_ATTEMPTS = 5;

// ───────────────────────────── codes and residents ─────────────────────────────

export function checkinWindow(event: Pick<Event, "startsAt" | "endsAt">): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(event.startsAt.getTime() - CHECKIN_OPENS_BEFORE_MS),
    closesAt: new Date(event.endsAt.getTime() + CHECKIN_CLOSES_AFTER_MS),
  };
}

/** A fresh code; `pick` draws an index into the alphabet (tests pass their own). */
export function newCheckinCode(pick: (size: number) => number = randomInt): string {
  let code = "";
  for (let index = 0; index < CHECKIN_CODE_LENGTH; index++) code += CHECKIN_ALPHABET[pick(CHECKIN_ALPHABET.length)];
  return code;
}

/** What a person typed, made comparable: upper case, without spaces and dashes. */
export function normalizeCheckinCode(text: string): string {
  return text.trim().toUpperCase().replace(/[\s-]/g, "");
}

export type CheckInResult =
  | { outcome: "checked_in"; event: Event }
  | { outcome: "already_checked_in"; event: Event }
  | { outcome: "too_early"; event: Event }
  | { outcome: "expired"; event: Event }
  | { outcome: "cancelled"; event: Event }
  | { outcome: "unknown_code" };

/**
 * A resident at the venue sends the code shown there (or opens its link). Valid only around the
 * event's time and until the attendance is closed; each person is checked in once. Someone who
 * did not sign up is counted too: they came.
 */
export async function checkInByCode(db: Db, personId: number, code: string, now: Date): Promise<CheckInResult> {
  const normalized = normalizeCheckinCode(code);
  if (!CHECKIN_CODE.test(normalized)) return { outcome: "unknown_code" };
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { checkinCode: normalized } });
    if (!event) return { outcome: "unknown_code" };
    if (event.cancelledAt) return { outcome: "cancelled", event };
    const { opensAt, closesAt } = checkinWindow(event);
    if (now < opensAt) return { outcome: "too_early", event };
    if (now > closesAt || event.attendanceClosedAt) return { outcome: "expired", event };
    const key = { eventId_personId: { eventId: event.id, personId } };
    const existing = await tx.rsvp.findUnique({ where: key });
    if (existing?.checkedInAt) return { outcome: "already_checked_in", event };
    const partySize = existing && existing.status !== "cancelled" ? existing.partySize : 1;
    const data = {
      status: "going" as const,
      checkedInAt: now,
      checkedInById: personId,
      partySize,
      withoutPlace: await comesWithoutPlace(tx, event, existing, partySize),
    };
    if (existing) await tx.rsvp.update({ where: { id: existing.id }, data });
    else await tx.rsvp.create({ data: { ...data, eventId: event.id, personId, requestedAt: now } });
    return { outcome: "checked_in", event };
  });
}

/**
 * Whether someone checked in without holding a place (no sign-up, or still waiting) stays outside
 * the places: they came and count as come, but they take a place only when one is free and
 * nobody else waits for it, so sign-ups never exceed the places while people wait.
 */
async function comesWithoutPlace(tx: Tx, event: Event, rsvp: Rsvp | null, partySize: number): Promise<boolean> {
  if (rsvp?.status === "going") return rsvp.withoutPlace;
  const { placesLeft, waitlistCount } = await summarize(tx, event);
  if (placesLeft === null) return false;
  const othersWaiting = waitlistCount - (rsvp?.status === "waitlisted" ? 1 : 0);
  return othersWaiting > 0 || placesLeft < partySize;
}
// ───────────────────────────── organisers ─────────────────────────────

export type OrganiserCheckInResult =
  | { outcome: "checked_in"; event: Event }
  | { outcome: "already_checked_in"; event: Event }
  | { outcome: "not_open"; event: Event }
  | { outcome: "not_found" };

/** Whether an organiser may still record who came: from two hours before until the attendance is closed. */
function acceptsCheckIns(event: Event, now: Date): boolean {
  return event.cancelledAt === null && event.attendanceClosedAt === null && now >= checkinWindow(event).opensAt;
}

/** An organiser checks in someone from the list of sign-ups (e.g. a person without a phone). */
export async function checkInRsvp(db: Db, actor: Actor, rsvpId: number, now: Date): Promise<OrganiserCheckInResult> {
  return db.$transaction(async (tx) => {
    const rsvp = await tx.rsvp.findUnique({ where: { id: rsvpId }, include: { event: true } });
    if (!rsvp || rsvp.status === "cancelled") return { outcome: "not_found" };
    assertCanOrganise(actor, rsvp.event);
    if (rsvp.checkedInAt) return { outcome: "already_checked_in", event: rsvp.event };
    if (!acceptsCheckIns(rsvp.event, now)) return { outcome: "not_open", event: rsvp.event };
    const withoutPlace = await comesWithoutPlace(tx, rsvp.event, rsvp, rsvp.partySize);
    await tx.rsvp.update({
      where: { id: rsvpId },
      data: { status: "going", checkedInAt: now, checkedInById: actor.id, withoutPlace },
    });
    return { outcome: "checked_in", event: rsvp.event };
  });
}

/** Counts people who came without signing up and without the bot; anonymous. */
export async function addWalkIns(
  db: Db,
  actor: Actor,
  eventId: number,
  count: number,
  now: Date,
): Promise<{ outcome: "added"; total: number } | { outcome: "not_open" } | { outcome: "not_found" }> {
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event) return { outcome: "not_found" };
    assertCanOrganise(actor, event);
    if (!acceptsCheckIns(event, now)) return { outcome: "not_open" };
    await tx.eventWalkIn.create({ data: { eventId, count, recordedById: actor.id, createdAt: now } });
    const total = await tx.eventWalkIn.aggregate({ where: { eventId }, _sum: { count: true } });
    return { outcome: "added", total: total._sum.count ?? 0 };
  });
}

/**
 * After the event, the organiser closes its attendance: from then on nobody is checked in, and
 * the closed figures are what the indicator tallies read.
 */
export async function closeAttendance(
  db: Db,
  actor: Actor,
  eventId: number,
  now: Date,
): Promise<{ outcome: "closed" | "not_ended" | "already_closed" | "not_found" }> {
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event || event.cancelledAt) return { outcome: "not_found" };
    assertCanOrganise(actor, event);
    if (event.attendanceClosedAt) return { outcome: "already_closed" };
    if (event.endsAt > now) return { outcome: "not_ended" };
    await tx.event.update({ where: { id: eventId }, data: { attendanceClosedAt: now } });
    return { outcome: "closed" };
  });
}

/**
 * A manager reopens a closed attendance, e.g. to check in someone forgotten: check-ins and
 * walk-ins are accepted again until it is closed anew (the figures read whatever is recorded).
 */
export async function reopenAttendance(
  db: Db,
  actor: Actor,
  eventId: number,
): Promise<{ outcome: "reopened" | "not_closed" | "not_found" }> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event || event.cancelledAt) return { outcome: "not_found" };
    if (!event.attendanceClosedAt) return { outcome: "not_closed" };
    await tx.event.update({ where: { id: eventId }, data: { attendanceClosedAt: null } });
    return { outcome: "reopened" };
  });
}

/** A code no other event holds. */
export async function freeCheckinCode(tx: Tx, pick?: (size: number) => number): Promise<string> {
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const code = newCheckinCode(pick);
    if (!(await tx.event.findUnique({ where: { checkinCode: code }, select: { id: true } }))) return code;
  }
  throw new Error("no free check-in code found");
}

/** Gives an event without a code (e.g. from older data) its code; returns the code. */
export async function ensureCheckinCode(db: Db, actor: Actor, eventId: number): Promise<string | undefined> {
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event) return undefined;
    assertCanOrganise(actor, event);
    if (event.checkinCode) return event.checkinCode;
    const code = await freeCheckinCode(tx);
    await tx.event.update({ where: { id: eventId }, data: { checkinCode: code } });
    return code;
  });
}
