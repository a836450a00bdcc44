import type { Db, Prisma } from "../../../db.js";
import type { Event, EventKind, Rsvp } from "../../../generated/prisma/client.js";
import { addDays, clockTimeOn, type CalendarDay } from "../../../time.js";
import type { EditableField } from "../../appointments/fields.js";
import { promoteWaiting, type Promotion } from "../../appointments/waiting-list.js";
import { recipientOf, type Recipient } from "../../../people/recipient.js";
import { assertRole, hasRole, type Actor } from "../../../people/roles.js";
import { freeCheckinCode, newCheckinCode } from "../checkin-service.js";
import { assertCanOrganise, placesOf, summarize } from "../service.js";
import { telegramName } from "../../../people/names.js";

type Tx = Prisma.TransactionClient;

/**
 * What organisers and managers do with events: list the ones they organise with sign-ups and
 * check-ins, create, change and cancel them. Who may do what is checked here (see canOrganise in
 * ../service.ts), whatever the buttons showed.
 */

// ───────────────────────────── reading ─────────────────────────────

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
  const attendees = rsvps.map(({ person, ...rsvp }) => ({ rsvp, name: telegramName(person) || undefined }));
  return {
    event,
    going: attendees.filter(({ rsvp }) => rsvp.status === "going"),
    waitlisted: attendees.filter(({ rsvp }) => rsvp.status === "waitlisted"),
    checkedIn: attendees.filter(({ rsvp }) => rsvp.checkedInAt !== null).length,
    walkIns: walkIns._sum.count ?? 0,
  };
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

/**
 * Creates an event, or a weekly series of them sharing a series key, each with its own check-in
 * code, in one transaction.
 */
export async function createEvents(
  db: Db,
  actor: Actor,
  input: EventInput,
  timeZone: string,
  pick?: (size: number) => number,
): Promise<Event[]> {
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
export async function insertEvents(
  tx: Tx,
  actor: Actor,
  input: EventInput,
  timeZone: string,
  pick?: (size: number) => number,
  imported?: ImportedWeeks,
): Promise<Event[]> {
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
    events.push(
      await tx.event.create({
        data: { ...fields, ...span, seriesKey, importKey, checkinCode: await freeCheckinCode(tx, pick) },
      }),
    );
  }
  return events;
}

/**
 * A manager cancels an event: its pending reminders are dropped and everyone signed up (or
 * waiting) is returned, once, to be told. A second cancellation returns nothing.
 */
export async function cancelEvent(
  db: Db,
  actor: Actor,
  eventId: number,
  now: Date,
): Promise<{ event: Event; recipients: Recipient[] } | undefined> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const event = await tx.event.findUnique({ where: { id: eventId } });
    if (!event || event.cancelledAt || event.endsAt < now) return undefined;
    const cancelled = await tx.event.update({ where: { id: eventId }, data: { cancelledAt: now } });
    await tx.reminder.updateMany({ where: { eventId, sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
    const rsvps = await tx.rsvp.findMany({
      where: { eventId, status: { in: ["going", "waitlisted"] } },
      include: { person: true },
    });
    return { event: cancelled, recipients: rsvps.map((rsvp) => recipientOf(rsvp.person)) };
  });
}

/**
 * A manager changes one field of an event; more places let people move up from the waiting
 * list. Fewer places than people already coming is refused rather than sending anyone away.
 */
export async function updateEvent(
  db: Db,
  actor: Actor,
  eventId: number,
  change: { field: EditableField; value: string | number },
): Promise<
  | { outcome: "saved"; event: Event; promoted: Promotion[] }
  | { outcome: "below_sign_ups"; goingPeople: number }
  | { outcome: "not_found" }
> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const existing = await tx.event.findUnique({ where: { id: eventId } });
    if (!existing || existing.cancelledAt) return { outcome: "not_found" };
    if (change.field === "capacity") {
      const { goingPeople } = await summarize(tx, existing);
      if (typeof change.value === "number" && change.value < goingPeople)
        return { outcome: "below_sign_ups", goingPeople };
    }
    const event = await tx.event.update({ where: { id: eventId }, data: { [change.field]: change.value } });
    return { outcome: "saved", event, promoted: await promoteWaiting(placesOf(tx, event)) };
  });
}
