import type { Prisma } from "../db.js";
import { eventImportKeys, importEventsWithin, type ImportedEvent } from "../features/events/import.js";
import { formatProblem } from "../file-import.js";
import type { Event } from "../generated/prisma/client.js";
import { BERLIN, daysBefore, minutesAfter } from "./calendar.js";
import type { DemoFiles, Turnout } from "./files.js";
import type { Demo, SeededPerson } from "./people.js";

type Tx = Prisma.TransactionClient;

/**
 * The demo's events go through the event import (events.yaml), moved to the current week and
 * organised by the person event-history.yaml names. A single event on a closing day moves a week
 * further away from today; the dates of a weekly series that fall on one are left out. Then the
 * past events get who came (event-history.yaml). Once only: a database whose courses were removed
 * still has the demo's events, and keeps them.
 */
export async function importDemoEvents(tx: Tx, files: DemoFiles, demo: Demo): Promise<void> {
  const history = files.eventHistory;
  const organiser = demo.person(history.organiser, "event-history.yaml");
  const events = files.events.map((event) => ({
    ...event,
    day: dayOf(event, demo),
    organiserTelegramId: organiser.telegramId,
  }));
  if ((await tx.event.count({ where: { importKey: { in: events.flatMap(eventImportKeys) } } })) > 0) return;
  const result = await importEventsWithin(tx, events, BERLIN);
  if (!result.ok) throw new Error(`prisma/demo/events.yaml: ${result.problems.map(formatProblem).join("; ")}`);
  const singles = events.filter((event) => event.weeks === 1);
  const series = events.filter((event) => event.weeks > 1);
  checkKeys(Object.keys(history.turnout), singles);
  checkKeys(Object.keys(history.seriesTurnout), series);
  const past: { event: Event; turnout: Turnout }[] = [];
  for (const single of singles) {
    const turnout = single.key === null ? undefined : history.turnout[single.key];
    if (!turnout) continue;
    const event = await tx.event.findUniqueOrThrow({ where: { importKey: eventImportKeys(single)[0] } });
    if (event.endsAt > demo.now)
      throw new Error(`prisma/demo/event-history.yaml: the event "${single.key}" is not over yet`);
    past.push({ event, turnout });
  }
  for (const weekly of series) {
    const held = await openDatesHeld(tx, weekly, demo);
    const turnouts = (weekly.key === null ? undefined : history.seriesTurnout[weekly.key]) ?? [];
    for (const [occurrence, event] of held.entries()) {
      const turnout = turnouts[occurrence % turnouts.length];
      if (turnout) past.push({ event, turnout });
    }
  }
  await recordTurnout(tx, past, demo, organiser);
}

function dayOf(event: ImportedEvent, demo: Demo) {
  const day = demo.calendar.shift(event.day);
  return event.weeks === 1 ? demo.calendar.firstOpenWeekday(day) : day;
}

function checkKeys(keys: readonly string[], events: readonly ImportedEvent[]) {
  const known = new Set(events.map((event) => event.key));
  const unknown = keys.filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new Error(`prisma/demo/event-history.yaml: no such event in events.yaml: ${unknown.join(", ")}`);
}

/** Leaves out the dates of a series on closing days; returns its dates that are over, oldest first. */
async function openDatesHeld(tx: Tx, weekly: ImportedEvent, demo: Demo): Promise<Event[]> {
  const dates = await tx.event.findMany({
    where: { importKey: { in: eventImportKeys(weekly) } },
    orderBy: { startsAt: "asc" },
  });
  const closed = dates.filter((event) => demo.calendar.isClosedAt(event.startsAt));
  await tx.event.deleteMany({ where: { id: { in: closed.map((event) => event.id) } } });
  return dates.filter((event) => !closed.includes(event) && event.endsAt <= demo.now);
}

/** Sign-ups, check-ins and walk-ins; the organiser closed each event after its end if anyone was counted. */
async function recordTurnout(
  tx: Tx,
  past: readonly { event: Event; turnout: Turnout }[],
  demo: Demo,
  organiser: SeededPerson,
) {
  const walkIns: Prisma.EventWalkInCreateManyInput[] = [];
  for (const [index, { event, turnout }] of past.entries()) {
    if (turnout.checkedIn + turnout.walkIns > 0) {
      await tx.event.update({ where: { id: event.id }, data: { attendanceClosedAt: minutesAfter(event.endsAt, 20) } });
    }
    await tx.rsvp.createMany({ data: signUps(event, turnout, demo.residents, 7 * index) });
    if (turnout.walkIns > 0) {
      walkIns.push({
        eventId: event.id,
        count: turnout.walkIns,
        recordedById: organiser.id,
        createdAt: minutesAfter(event.startsAt, 45),
      });
    }
  }
  await tx.eventWalkIn.createMany({ data: walkIns });
}

/** Sign-ups come in up to this many days before an event. */
const SIGN_UP_DAYS = 9;

/**
 * The residents going to a past event, taken in turn from those who had joined by then; most
 * checked in with the code at the door, the organiser checked in every fourth from the list.
 */
function signUps(
  event: Event,
  turnout: Turnout,
  residents: readonly SeededPerson[],
  turn: number,
): Prisma.RsvpCreateManyInput[] {
  const known = residents.filter((resident) => resident.consentAt < daysBefore(event.startsAt, SIGN_UP_DAYS));
  const first = turn % Math.max(known.length, 1);
  const going = [...known.slice(first), ...known.slice(0, first)].slice(0, turnout.going);
  return going.map((resident, index) => {
    const checkedIn = index < turnout.checkedIn;
    return {
      eventId: event.id,
      personId: resident.id,
      status: "going",
      partySize: event.asksPartySize ? 1 + ((index * 3) % 4) : 1,
      requestedAt: daysBefore(event.startsAt, 1 + (index % (SIGN_UP_DAYS - 1))),
      checkedInAt: checkedIn ? minutesAfter(event.startsAt, (index % 5) * 4) : null,
      checkedInById: checkedIn ? (index % 4 === 3 ? event.organiserId : resident.id) : null,
    };
  });
}
