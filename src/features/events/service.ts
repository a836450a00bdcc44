import { Prisma, type Db } from "../../db.js";
import type { Event, EventKind, Rsvp } from "../../generated/prisma/client.js";
import { assertRole, hasRole, type Actor } from "../../people/roles.js";
import { recipientOf } from "../../people/recipient.js";
import {
  promoteWaiting,
  waitingAhead,
  waitingOrder,
  type Promotion,
  type WaitingLine,
} from "../appointments/waiting-list.js";

type Tx = Prisma.TransactionClient;

export const EVENT_KINDS = [
  "club",
  "circus",
  "children",
  "information",
  "other",
] as const satisfies readonly EventKind[];

/** Residents see the events of the next 30 days. */
export const LIST_HORIZON_DAYS = 30;
/** The most people one sign-up may bring along (including the person), for events that ask. */
export const MAX_PARTY_SIZE = 6;

export interface EventSummary {
  event: Event;
  /** People coming, counting everyone a sign-up brings along. */
  goingPeople: number;
  waitlistCount: number;
  /** null when the event has no limit. */
  placesLeft: number | null;
}

// ───────────────────────────── reading ─────────────────────────────

/**
 * The places an event "e" has given: people coming with a place (a party counts in full; checked in
 * without a place does not), and the sign-ups waiting. The one definition for the list and for
 * every seat decision.
 */
const PLACE_COUNTS = Prisma.sql`
  (SELECT COALESCE(SUM(r."partySize"), 0) FROM "Rsvp" r WHERE r."eventId" = e."id" AND r."status" = 'going' AND r."withoutPlace" = 0) AS "goingPeople",
  (SELECT COUNT(*) FROM "Rsvp" r WHERE r."eventId" = e."id" AND r."status" = 'waitlisted') AS "waitlistCount"`;

type PlaceCounts = { goingPeople: number | bigint; waitlistCount: number | bigint };
type EventListRow = Event & PlaceCounts & { total: number | bigint };

/**
 * Events of the next 30 days, soonest first, of one kind or all; `page` counts from 0. One raw
 * statement with the places of each event and the total: /events is among the commands sent
 * most, and Prisma needed three queries through its query compiler for it (bench/README.md,
 * "Responsiveness").
 */
export async function listUpcomingEvents(
  db: Db,
  kind: EventKind | undefined,
  page: number,
  pageSize: number,
  now: Date,
): Promise<{ summaries: EventSummary[]; total: number }> {
  const horizon = new Date(now.getTime() + LIST_HORIZON_DAYS * 24 * 60 * 60_000);
  const rows = await db.$queryRaw<EventListRow[]>`
    SELECT e.*, COUNT(*) OVER () AS "total", ${PLACE_COUNTS}
    FROM "Event" e
    WHERE e."cancelledAt" IS NULL AND e."endsAt" >= ${now} AND e."startsAt" <= ${horizon} AND (${kind ?? null} IS NULL OR e."kind" = ${kind ?? null})
    ORDER BY e."startsAt", e."id" LIMIT ${pageSize} OFFSET ${page * pageSize}`;
  const summaries = rows.map(({ goingPeople, waitlistCount, total: _total, ...event }) =>
    summaryOf(event, Number(goingPeople), Number(waitlistCount)),
  );
  // A page past the end (an old "next" button) has no row to carry the total.
  const total = rows[0] ? Number(rows[0].total) : page > 0 ? (await listUpcomingEvents(db, kind, 0, 1, now)).total : 0;
  return { summaries, total };
}

export async function getEventSummary(db: Db, eventId: number): Promise<EventSummary | undefined> {
  const event = await db.event.findUnique({ where: { id: eventId } });
  return event ? summarize(db, event) : undefined;
}

export async function summarize(db: Db | Tx, event: Event): Promise<EventSummary> {
  const [counts] = await db.$queryRaw<PlaceCounts[]>`SELECT ${PLACE_COUNTS} FROM "Event" e WHERE e."id" = ${event.id}`;
  return summaryOf(event, Number(counts?.goingPeople ?? 0), Number(counts?.waitlistCount ?? 0));
}

function summaryOf(event: Event, goingPeople: number, waitlistCount: number): EventSummary {
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
    const waitingFits =
      placesLeft !== null && placesLeft > 0 && (await placesOf(tx, event).firstFitting(placesLeft)) !== null;
    const fits = placesLeft === null || (!waitingFits && partySize <= placesLeft);
    if (!fits && !waitingFits && !input.wait && placesLeft !== null && placesLeft > 0)
      return { outcome: "does_not_fit", placesLeft, partySize };
    const status = fits ? "going" : "waitlisted";
    const data = {
      status,
      partySize,
      requestedAt: now,
      checkedInAt: null,
      checkedInById: null,
      withoutPlace: false,
    } as const;
    // Reminders cancelled when the person cancelled would block the new ones by their dedupe key.
    if (existing)
      await tx.reminder.deleteMany({ where: { eventId: input.eventId, personId: input.personId, sentAt: null } });
    const rsvp = existing
      ? await tx.rsvp.update({ where: { id: existing.id }, data })
      : await tx.rsvp.create({ data: { ...data, eventId: input.eventId, personId: input.personId } });
    if (status === "going") return { outcome: "going", rsvp };
    return { outcome: "waitlisted", rsvp, position: await waitlistPosition(tx, rsvp) };
  });
}

async function waitlistPosition(db: Db | Tx, rsvp: Pick<Rsvp, "eventId" | "requestedAt" | "id">): Promise<number> {
  return 1 + (await db.rsvp.count({ where: { eventId: rsvp.eventId, ...waitingAhead(rsvp) } }));
}

export type CancelRsvpResult = { outcome: "cancelled"; event: Event; promoted: Promotion[] } | { outcome: "not_found" };

/** The person takes back their sign-up; freed places go to the waiting list in order. */
export async function cancelRsvp(db: Db, personId: number, eventId: number, now: Date): Promise<CancelRsvpResult> {
  return db.$transaction(async (tx) => {
    const rsvp = await tx.rsvp.findUnique({
      where: { eventId_personId: { eventId, personId } },
      include: { event: true },
    });
    if (!rsvp || rsvp.status === "cancelled" || rsvp.checkedInAt !== null || !isOpenForSignUp(rsvp.event, now))
      return { outcome: "not_found" };
    await tx.rsvp.update({ where: { id: rsvp.id }, data: { status: "cancelled" } });
    await tx.reminder.updateMany({
      where: { eventId, personId, sentAt: null, cancelledAt: null },
      data: { cancelledAt: now },
    });
    const promoted = rsvp.status === "going" ? await promoteWaiting(placesOf(tx, rsvp.event)) : [];
    return { outcome: "cancelled", event: rsvp.event, promoted };
  });
}

/**
 * An event's waiting list: a party takes as many places as people come, and an event without a
 * limit has room for everyone.
 */
export function placesOf(tx: Tx, event: Event): WaitingLine {
  return {
    async placesLeft() {
      return (await summarize(tx, event)).placesLeft;
    },
    async firstFitting(places) {
      const next = await tx.rsvp.findFirst({
        where: { eventId: event.id, status: "waitlisted", partySize: { lte: places } },
        orderBy: waitingOrder(),
        include: { person: true },
      });
      return next && { id: next.id, recipient: recipientOf(next.person) };
    },
    async admit(id) {
      await tx.rsvp.update({ where: { id }, data: { status: "going" } });
    },
  };
}

export async function setEventReminders(db: Db, personId: number, enabled: boolean): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { eventReminders: enabled } });
}

// ───────────────────────────── who organises (the operations are in management/service.ts) ─────────────────────────────

/** Managers organise every event; instructors the events they are the organiser of. */
export function canOrganise(actor: Actor, event: Pick<Event, "organiserId">): boolean {
  return hasRole(actor, "manager") || (hasRole(actor, "instructor") && event.organiserId === actor.id);
}

export function assertCanOrganise(actor: Actor, event: Pick<Event, "organiserId">): void {
  if (!canOrganise(actor, event)) assertRole(actor, "manager");
}

/**
 * Part of a person's erasure (people/erasure.ts): only sign-ups of events still ahead are
 * cancelled; past ones are history the figures of their month rest on.
 */
export async function cancelComingSignUps(tx: Tx, personId: number, now: Date): Promise<void> {
  await tx.rsvp.updateMany({
    where: { personId, status: { in: ["going", "waitlisted"] }, checkedInAt: null, event: { startsAt: { gt: now } } },
    data: { status: "cancelled" },
  });
}
