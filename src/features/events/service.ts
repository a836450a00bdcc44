import { randomInt } from "node:crypto";
import type { Db, Prisma } from "../../db.js";
import type { Event, EventKind, Rsvp } from "../../generated/prisma/client.js";
import { addDays, clockTimeOn, type CalendarDay } from "../../time.js";
import { assertRole, hasRole, type Actor } from "../onboarding/roles.js";
import { recipientOf, type Recipient } from "../../people/recipient.js";
import type { EditableField } from "../../bot/wizard.js";

type Tx = Prisma.TransactionClient;

export const EVENT_KINDS = ["club", "circus", "children", "information", "other"] as const satisfies readonly EventKind[];

/** Residents see the events of the next 30 days. */
export const LIST_HORIZON_DAYS = 30;
/** The most people one sign-up may bring along (including the person), for events that ask. */
export const MAX_PARTY_SIZE = 6;
/** A check-in code works from two hours before the start until half an hour after the end. */
export const CHECKIN_OPENS_BEFORE_MS = 2 * 60 * 60_000;
export const CHECKIN_CLOSES_AFTER_MS = 30 * 60_000;

/** Six characters without the look-alikes 0/O and 1/I, so a code read off a wall is typed right. */
export const CHECKIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const CHECKIN_CODE_LENGTH = 6;
export const CHECKIN_CODE = new RegExp(`^[${CHECKIN_ALPHABET}]{${CHECKIN_CODE_LENGTH}}$`);

export interface EventSummary {
  event: Event;
  /** People coming, counting everyone a sign-up brings along. */
  goingPeople: number;
  waitlistCount: number;
  /** null when the event has no limit. */
  placesLeft: number | null;
}

// ───────────────────────────── reading ─────────────────────────────

function upcomingWhere(now: Date, kind: EventKind | undefined) {
  return {
    cancelledAt: null,
    endsAt: { gte: now },
    startsAt: { lte: new Date(now.getTime() + LIST_HORIZON_DAYS * 24 * 60 * 60_000) },
    ...(kind ? { kind } : {}),
  } satisfies Prisma.EventWhereInput;
}

/** Events of the next 30 days, soonest first, of one kind or all; `page` counts from 0. */
export async function listUpcomingEvents(db: Db, kind: EventKind | undefined, page: number, pageSize: number, now: Date) {
  const where = upcomingWhere(now, kind);
  const [events, total] = await Promise.all([
    db.event.findMany({ where, orderBy: [{ startsAt: "asc" }, { id: "asc" }], skip: page * pageSize, take: pageSize }),
    db.event.count({ where }),
  ]);
  return { summaries: await Promise.all(events.map((event) => summarize(db, event))), total };
}

export async function getEventSummary(db: Db, eventId: number): Promise<EventSummary | undefined> {
  const event = await db.event.findUnique({ where: { id: eventId } });
  return event ? summarize(db, event) : undefined;
}

export async function summarize(db: Db | Tx, event: Event): Promise<EventSummary> {
  const [going, waitlistCount] = await Promise.all([
    db.rsvp.aggregate({ where: { eventId: event.id, status: "going", withoutPlace: false }, _sum: { partySize: true } }),
    db.rsvp.count({ where: { eventId: event.id, status: "waitlisted" } }),
  ]);
  const goingPeople = going._sum.partySize ?? 0;
  const placesLeft = event.capacity === null ? null : Math.max(0, event.capacity - goingPeople);
  return { event, goingPeople, waitlistCount, placesLeft };
}

/** The person's sign-up for an event, if any that still counts (going or waiting). */
export async function currentRsvp(db: Db, personId: number, eventId: number): Promise<Rsvp | undefined> {
  const rsvp = await db.rsvp.findUnique({ where: { eventId_personId: { eventId, personId } } });
  return rsvp && rsvp.status !== "cancelled" ? rsvp : undefined;
}

/** Open for sign-ups: not cancelled and not begun. */
export function isOpenForSignUp(event: Pick<Event, "cancelledAt" | "startsAt">, now: Date): boolean {
  return event.cancelledAt === null && event.startsAt > now;
}

// ───────────────────────────── signing up and cancelling ─────────────────────────────

export interface SignUpInput {
  eventId: number;
  personId: number;
  /** Everyone coming, the person included; 1 unless the event asks for it. */
  partySize: number;
  /** The party rather waits for enough places than takes the fewer ones free now. */
  wait?: boolean;
}

export type SignUpResult =
  | { outcome: "going"; rsvp: Rsvp }
  | { outcome: "waitlisted"; rsvp: Rsvp; position: number }
  /** Some places are free, but fewer than the party: the person may take fewer or wait. */
  | { outcome: "does_not_fit"; placesLeft: number; partySize: number }
  | { outcome: "already_signed_up"; rsvp: Rsvp }
  | { outcome: "unavailable" };

/** The largest party one sign-up may bring: never more than the event's places. */
export function maxPartySize(event: Pick<Event, "capacity">): number {
  return Math.min(MAX_PARTY_SIZE, event.capacity ?? MAX_PARTY_SIZE);
}

/**
 * Signs a person up in one transaction: a place while there are enough for the whole party and
 * no waiting party would fit them first; when some places are free but too few for the party,
 * the person is asked to take fewer or to wait (`wait`); the waiting list otherwise. Capacity holds because SQLite runs write
 * transactions one at a time; the bot runs this in its update's turn (ArrivalOrder), so the first
 * to press gets the place.
 */
export async function signUp(db: Db, input: SignUpInput, now: Date): Promise<SignUpResult> {
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: input.eventId } });
    if (!event || !isOpenForSignUp(event, now)) return { outcome: "unavailable" };
    const partySize = event.asksPartySize ? Math.min(Math.max(1, Math.trunc(input.partySize)), maxPartySize(event)) : 1;
    const key = { eventId_personId: { eventId: input.eventId, personId: input.personId } };
    const existing = await tx.rsvp.findUnique({ where: key });
    if (existing && existing.status !== "cancelled") return { outcome: "already_signed_up", rsvp: existing };
    // Nobody passes a waiting party that the places left would fit.
    const { placesLeft } = await summarize(tx, event);
    const waitingFits = placesLeft !== null && placesLeft > 0 && (await waitingPartyFitting(tx, event.id, placesLeft)) !== null;
    const fits = placesLeft === null || (!waitingFits && partySize <= placesLeft);
    if (!fits && !waitingFits && !input.wait && placesLeft !== null && placesLeft > 0) return { outcome: "does_not_fit", placesLeft, partySize };
    const status = fits ? "going" : "waitlisted";
    const data = { status, partySize, requestedAt: now, checkedInAt: null, checkedInById: null, withoutPlace: false } as const;
    // Reminders cancelled when the person cancelled would block the new ones by their dedupe key.
    if (existing) await tx.reminder.deleteMany({ where: { eventId: input.eventId, personId: input.personId, sentAt: null } });
    const rsvp = existing
      ? await tx.rsvp.update({ where: { id: existing.id }, data })
      : await tx.rsvp.create({ data: { ...data, eventId: input.eventId, personId: input.personId } });
    if (status === "going") return { outcome: "going", rsvp };
    return { outcome: "waitlisted", rsvp, position: await waitlistPosition(tx, rsvp) };
  });
}

async function waitlistPosition(db: Db | Tx, rsvp: Pick<Rsvp, "eventId" | "requestedAt" | "id">): Promise<number> {
  const ahead = await db.rsvp.count({
    where: {
      eventId: rsvp.eventId,
      status: "waitlisted",
      OR: [{ requestedAt: { lt: rsvp.requestedAt } }, { requestedAt: rsvp.requestedAt, id: { lt: rsvp.id } }],
    },
  });
  return ahead + 1;
}

export interface Promotion {
  rsvpId: number;
  recipient: Recipient;
}

export type CancelRsvpResult = { outcome: "cancelled"; event: Event; promoted: Promotion[] } | { outcome: "not_found" };

/** The person takes back their sign-up; freed places go to the waiting list in order. */
export async function cancelRsvp(db: Db, personId: number, eventId: number, now: Date): Promise<CancelRsvpResult> {
  return db.$transaction(async (tx) => {
    const rsvp = await tx.rsvp.findUnique({ where: { eventId_personId: { eventId, personId } }, include: { event: true } });
    if (!rsvp || rsvp.status === "cancelled" || rsvp.checkedInAt !== null || !isOpenForSignUp(rsvp.event, now)) return { outcome: "not_found" };
    await tx.rsvp.update({ where: { id: rsvp.id }, data: { status: "cancelled" } });
    await tx.reminder.updateMany({ where: { eventId, personId, sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
    const promoted = rsvp.status === "going" ? await promoteWaiting(tx, rsvp.event) : [];
    return { outcome: "cancelled", event: rsvp.event, promoted };
  });
}

/** The first waiting party (in the order they signed up) that `places` would fit. */
async function waitingPartyFitting(tx: Tx, eventId: number, places: number) {
  return tx.rsvp.findFirst({
    where: { eventId, status: "waitlisted", partySize: { lte: places } },
    orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    include: { person: true },
  });
}

/**
 * Moves waiting parties up in the order they signed up, each that the free places fit; a party
 * too large for them keeps its place in line and does not block smaller ones behind it.
 */
async function promoteWaiting(tx: Tx, event: Event): Promise<Promotion[]> {
  const promoted: Promotion[] = [];
  for (;;) {
    const { placesLeft } = await summarize(tx, event);
    if (placesLeft !== null && placesLeft <= 0) return promoted;
    const next = await waitingPartyFitting(tx, event.id, placesLeft ?? Number.MAX_SAFE_INTEGER);
    if (!next) return promoted;
    await tx.rsvp.update({ where: { id: next.id }, data: { status: "going" } });
    promoted.push({ rsvpId: next.id, recipient: recipientOf(next.person) });
  }
}


export async function setEventReminders(db: Db, personId: number, enabled: boolean): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { eventReminders: enabled } });
}

// ───────────────────────────── check-in ─────────────────────────────

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
    const data = { status: "going" as const, checkedInAt: now, checkedInById: personId, partySize, withoutPlace: await comesWithoutPlace(tx, event, existing, partySize) };
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

// ───────────────────────────── organising ─────────────────────────────

/** Managers organise every event; instructors the events they are the organiser of. */
export function canOrganise(actor: Actor, event: Pick<Event, "organiserId">): boolean {
  return hasRole(actor, "manager") || (hasRole(actor, "instructor") && event.organiserId === actor.id);
}

function assertCanOrganise(actor: Actor, event: Pick<Event, "organiserId">): void {
  if (!canOrganise(actor, event)) assertRole(actor, "manager");
}

/** How long after its end an event stays in the organiser's list, to close its attendance. */
const ORGANISER_LOOKBACK_MS = 14 * 24 * 60 * 60_000;
const MAX_ORGANISED_LISTED = 40;

/** The events a person organises: recent and upcoming, all for managers. */
export async function organisedEvents(db: Db, actor: Actor, now: Date): Promise<Event[]> {
  if (!hasRole(actor, "manager", "instructor")) return [];
  return db.event.findMany({
    where: {
      endsAt: { gte: new Date(now.getTime() - ORGANISER_LOOKBACK_MS) },
      ...(hasRole(actor, "manager") ? {} : { organiserId: actor.id }),
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: MAX_ORGANISED_LISTED,
  });
}

export interface Attendee {
  rsvp: Rsvp;
  name: string | undefined;
}

export interface Attendance {
  event: Event;
  going: Attendee[];
  waitlisted: Attendee[];
  /** Distinct persons checked in. */
  checkedIn: number;
  walkIns: number;
}

/** Sign-ups and check-ins of an event, for its organisers only. */
export async function eventAttendance(db: Db, actor: Actor, eventId: number): Promise<Attendance | undefined> {
  const event = await db.event.findUnique({ where: { id: eventId } });
  if (!event) return undefined;
  assertCanOrganise(actor, event);
  const [rsvps, walkIns] = await Promise.all([
    db.rsvp.findMany({
      where: { eventId, status: { in: ["going", "waitlisted"] } },
      include: { person: { select: { firstName: true, lastName: true } } },
      orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    }),
    db.eventWalkIn.aggregate({ where: { eventId }, _sum: { count: true } }),
  ]);
  const attendees = rsvps.map(({ person, ...rsvp }) => ({ rsvp, name: [person.firstName, person.lastName].filter(Boolean).join(" ") || undefined }));
  return {
    event,
    going: attendees.filter(({ rsvp }) => rsvp.status === "going"),
    waitlisted: attendees.filter(({ rsvp }) => rsvp.status === "waitlisted"),
    checkedIn: attendees.filter(({ rsvp }) => rsvp.checkedInAt !== null).length,
    walkIns: walkIns._sum.count ?? 0,
  };
}

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
    await tx.rsvp.update({ where: { id: rsvpId }, data: { status: "going", checkedInAt: now, checkedInById: actor.id, withoutPlace } });
    return { outcome: "checked_in", event: rsvp.event };
  });
}

/** Counts people who came without signing up and without the bot; anonymous. */
export async function addWalkIns(db: Db, actor: Actor, eventId: number, count: number, now: Date): Promise<{ outcome: "added"; total: number } | { outcome: "not_open" } | { outcome: "not_found" }> {
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
export async function closeAttendance(db: Db, actor: Actor, eventId: number, now: Date): Promise<{ outcome: "closed" | "not_ended" | "already_closed" | "not_found" }> {
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
export async function reopenAttendance(db: Db, actor: Actor, eventId: number): Promise<{ outcome: "reopened" | "not_closed" | "not_found" }> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event || event.cancelledAt) return { outcome: "not_found" };
    if (!event.attendanceClosedAt) return { outcome: "not_closed" };
    await tx.event.update({ where: { id: eventId }, data: { attendanceClosedAt: null } });
    return { outcome: "reopened" };
  });
}

/**
 * A manager cancels an event: its pending reminders are dropped and everyone signed up (or
 * waiting) is returned, once, to be told. A second cancellation returns nothing.
 */
export async function cancelEvent(db: Db, actor: Actor, eventId: number, now: Date): Promise<{ event: Event; recipients: Recipient[] } | undefined> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event || event.cancelledAt || event.endsAt < now) return undefined;
    const cancelled = await tx.event.update({ where: { id: eventId }, data: { cancelledAt: now } });
    await tx.reminder.updateMany({ where: { eventId, sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
    const rsvps = await tx.rsvp.findMany({ where: { eventId, status: { in: ["going", "waitlisted"] } }, include: { person: true } });
    return { event: cancelled, recipients: rsvps.map((rsvp) => recipientOf(rsvp.person)) };
  });
}

// ───────────────────────────── creating ─────────────────────────────

export interface EventInput {
  titleDe: string;
  titleRu: string;
  descriptionDe: string;
  descriptionRu: string;
  kind: EventKind;
  place: string;
  capacity: number | null;
  asksPartySize: boolean;
  organiserId: number | null;
  day: CalendarDay;
  /** "HH:MM" on the office's clock */
  from: string;
  /** "HH:MM", later than `from` */
  to: string;
  /** 1 for a single event; more for a weekly series (e.g. the drop-in every Wednesday). */
  weeks: number;
}

const MAX_SERIES_WEEKS = 52;
const MAX_CODE_ATTEMPTS = 5;

/**
 * Creates an event, or a weekly series of them sharing a series key, each with its own check-in
 * code, in one transaction.
 */
export async function createEvents(db: Db, actor: Actor, input: EventInput, timeZone: string, pick?: (size: number) => number): Promise<Event[]> {
  return db.$transaction((tx) => insertEvents(tx, actor, input, timeZone, pick));
}

/**
 * What an import adds to insertEvents: the key of each week's event, the weeks an earlier run
 * already made (skipped), and the series those belong to.
 */
export interface ImportedWeeks {
  importKeys: readonly string[];
  existingWeeks: ReadonlySet<number>;
  seriesKey: string | null;
}

/** createEvents inside a transaction the caller already holds (e.g. an import). */
export async function insertEvents(tx: Tx, actor: Actor, input: EventInput, timeZone: string, pick?: (size: number) => number, imported?: ImportedWeeks): Promise<Event[]> {
  assertRole(actor, "manager");
  if (input.to <= input.from) throw new Error("an event must end after it starts");
  if (input.weeks < 1 || input.weeks > MAX_SERIES_WEEKS) throw new Error(`a series has 1 to ${MAX_SERIES_WEEKS} weeks`);
  const { day, from, to, weeks, ...fields } = input;
  const seriesKey = imported?.seriesKey ?? (weeks > 1 ? `series-${newCheckinCode(pick)}` : null);
  const events: Event[] = [];
  for (let week = 0; week < weeks; week++) {
    if (imported?.existingWeeks.has(week)) continue;
    const date = addDays(day, 7 * week);
    const span = { startsAt: clockTimeOn(date, from, timeZone), endsAt: clockTimeOn(date, to, timeZone) };
    const importKey = imported?.importKeys[week] ?? null;
    events.push(await tx.event.create({ data: { ...fields, ...span, seriesKey, importKey, checkinCode: await freeCheckinCode(tx, pick) } }));
  }
  return events;
}

async function freeCheckinCode(tx: Tx, pick?: (size: number) => number): Promise<string> {
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

export type EditableEventField = EditableField;

/**
 * A manager changes one field of an event; more places let people move up from the waiting
 * list. Fewer places than people already coming is refused rather than sending anyone away.
 */
export async function updateEvent(
  db: Db,
  actor: Actor,
  eventId: number,
  change: { field: EditableEventField; value: string | number },
): Promise<{ outcome: "saved"; event: Event; promoted: Promotion[] } | { outcome: "below_sign_ups"; goingPeople: number } | { outcome: "not_found" }> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const existing = await tx.event.findUnique({ where: { id: eventId } });
    if (!existing || existing.cancelledAt) return { outcome: "not_found" };
    if (change.field === "capacity") {
      const { goingPeople } = await summarize(tx, existing);
      if (typeof change.value === "number" && change.value < goingPeople) return { outcome: "below_sign_ups", goingPeople };
    }
    const event = await tx.event.update({ where: { id: eventId }, data: { [change.field]: change.value } });
    return { outcome: "saved", event, promoted: await promoteWaiting(tx, event) };
  });
}
