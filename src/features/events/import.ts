import { z } from "zod";
import type { Db } from "../../db.js";
import {
  IMPORT_KEY_FIELD,
  IMPORT_KEY_REQUIREMENT,
  IMPORT_OPERATOR,
  IMPORT_TRANSACTION,
  CAPACITY_MAX,
  ImportRefused,
  changedFields,
  duplicateKeyProblems,
  importKeyOf,
  refusedProblems,
  type ImportCounts,
  OFFERING_TEXT_FIELDS,
  OFFERING_TEXT_REQUIREMENTS,
  TELEGRAM_ID_REQUIREMENT,
  checkFields,
  convertible,
  isComplete,
  personIdsByTelegramId,
  telegramIdOf,
  textOrNumber,
  unknownFieldProblems,
  unknownPersonProblems,
  wholeNumberOf,
  type ImportProblem,
  type RawRecord,
  type RecordKind,
} from "../../file-import.js";
import { readRecords } from "../../file-records.js";
import type { Event, Prisma } from "../../generated/prisma/client.js";
import { addDays, calendarDayOf, formatIsoDay, parseIsoDay, parseClockTime } from "../../time.js";
import { EVENT_KINDS, summarize } from "./service.js";
import { insertEvents, type EventInput } from "./management/service.js";

/**
 * Events from a YAML or CSV file, like the course import: every problem is reported with its
 * line, and the events are stored all together or not at all. `weeks` above 1 makes a weekly
 * series (e.g. the drop-in every Wednesday).
 */

export type ImportedEvent = Omit<EventInput, "organiserId"> & {
  line: number;
  organiserTelegramId: bigint | null;
  key: string | null;
};
export type EventParseResult = { ok: true; events: ImportedEvent[] } | { ok: false; problems: ImportProblem[] };
/** Counted per event: a series of 12 weeks is 12 events. */
export type EventImportResult = ({ ok: true } & ImportCounts) | { ok: false; problems: ImportProblem[] };

const MAX_WEEKS = 52;

/** yes/no in the languages of the office, or a YAML boolean. */
function yesNoOf(value: string | number | boolean): boolean | undefined {
  if (typeof value === "boolean") return value;
  const word = String(value).trim().toLowerCase();
  if (["yes", "ja", "true", "1", "да"].includes(word)) return true;
  if (["no", "nein", "false", "0", "нет"].includes(word)) return false;
  return undefined;
}

const EVENT_FIELDS = {
  ...IMPORT_KEY_FIELD,
  ...OFFERING_TEXT_FIELDS,
  kind: z.enum(EVENT_KINDS),
  capacity: convertible(textOrNumber, wholeNumberOf).pipe(z.number().min(1).max(CAPACITY_MAX)).nullable().default(null),
  asksPartySize: convertible(z.union([z.string(), z.number(), z.boolean()]), yesNoOf).default(false),
  day: convertible(z.string(), parseIsoDay),
  from: convertible(z.string(), parseClockTime),
  to: convertible(z.string(), parseClockTime),
  weeks: convertible(textOrNumber, wholeNumberOf).pipe(z.number().min(1).max(MAX_WEEKS)).default(1),
  organiserTelegramId: convertible(textOrNumber, telegramIdOf).nullable().default(null),
};

const EVENT_REQUIREMENTS: Record<keyof typeof EVENT_FIELDS, string> = {
  ...IMPORT_KEY_REQUIREMENT,
  ...OFFERING_TEXT_REQUIREMENTS,
  kind: `must be one of ${EVENT_KINDS.join(", ")}`,
  capacity: `must be a whole number from 1 to ${CAPACITY_MAX}, or empty for no limit`,
  asksPartySize: "must be yes or no",
  day: "must be a date written as YYYY-MM-DD",
  from: 'must be a time written as "HH:MM"',
  to: 'must be a time written as "HH:MM"',
  weeks: `must be a whole number from 1 to ${MAX_WEEKS}`,
  organiserTelegramId: TELEGRAM_ID_REQUIREMENT,
};

const EVENT_RECORDS: RecordKind = {
  listKey: "events",
  noun: "event",
  knownFields: Object.keys(EVENT_FIELDS),
  optionalFields: ["key", "capacity", "asksPartySize", "weeks", "organiserTelegramId"],
};

function checkEvent({ line, fields }: RawRecord): { event?: ImportedEvent; problems: ImportProblem[] } {
  const check = checkFields(EVENT_FIELDS, EVENT_REQUIREMENTS, fields);
  const { from, to } = check.values;
  const messages = [...unknownFieldProblems(fields, EVENT_RECORDS.knownFields), ...check.problems];
  if (from && to && to <= from) messages.push(`to (${to}) must be later than from (${from})`);
  if (messages.length > 0 || !isComplete(check)) return { problems: messages.map((message) => ({ line, message })) };
  return { event: { ...check.values, line }, problems: [] };
}

/** Reads and checks an event file; the format follows the extension (.yaml, .yml or .csv). */
export function parseEventFile(fileName: string, content: string): EventParseResult {
  const records = readRecords(fileName, content, EVENT_RECORDS);
  if ("problems" in records) return { ok: false, problems: records.problems };
  const checked = records.records.map(checkEvent);
  const problems = checked.flatMap((result) => result.problems);
  if (problems.length > 0) return { ok: false, problems };
  const events = checked.flatMap((result) => (result.event ? [result.event] : []));
  const duplicates = duplicateKeyProblems(events, eventImportKeys, "event");
  return duplicates.length > 0 ? { ok: false, problems: duplicates } : { ok: true, events };
}

/**
 * What makes each date of a row the same event on the next run: the row's key and the week, or
 * the German title, the date and the start time.
 */
export function eventImportKeys(event: Pick<ImportedEvent, "key" | "titleDe" | "day" | "from" | "weeks">): string[] {
  return Array.from({ length: event.weeks }, (_, week) =>
    importKeyOf(event.key === null ? null : `${event.key}#${week + 1}`, [
      event.titleDe,
      formatIsoDay(addDays(event.day, 7 * week)),
      event.from,
    ]),
  );
}

/**
 * Brings an event made by an earlier run up to date: descriptions, place and places. Fewer places
 * than people coming, or more while people wait (they would move up without being told), is refused.
 */
async function updateImportedEvent(
  tx: Prisma.TransactionClient,
  stored: Event,
  event: ImportedEvent,
  timeZone: string,
): Promise<"updated" | "unchanged" | ImportProblem> {
  const changes = changedFields(stored, {
    descriptionDe: event.descriptionDe,
    descriptionRu: event.descriptionRu,
    place: event.place,
    capacity: event.capacity,
  });
  if (Object.keys(changes).length === 0) return "unchanged";
  if (changes.capacity !== undefined) {
    const { goingPeople, waitlistCount } = await summarize(tx, stored);
    if (event.capacity !== null && event.capacity < goingPeople) {
      return {
        line: event.line,
        message: `capacity ${event.capacity} is below the ${goingPeople} people already coming on ${formatIsoDay(calendarDayOf(stored.startsAt, timeZone))}`,
      };
    }
    if (
      waitlistCount > 0 &&
      (event.capacity === null || (stored.capacity !== null && event.capacity > stored.capacity))
    ) {
      return {
        line: event.line,
        message: `capacity: ${waitlistCount} people are waiting for this event; raise its places in the bot, which tells those who move up`,
      };
    }
  }
  await tx.event.update({ where: { id: stored.id }, data: changes });
  return "updated";
}

/** Stores the events in one transaction: when an organiser is unknown or anything fails, nothing is stored. */
export async function importEvents(
  db: Db,
  events: readonly ImportedEvent[],
  timeZone: string,
): Promise<EventImportResult> {
  return db.$transaction((tx) => importEventsWithin(tx, events, timeZone), IMPORT_TRANSACTION).catch(refusedProblems);
}

/**
 * importEvents inside a transaction the caller already holds (the demo data adds its history in
 * the same one). A refused update throws ImportRefused, so that the caller's transaction undoes
 * everything; an unknown organiser is answered before anything is written.
 */
export async function importEventsWithin(
  tx: Prisma.TransactionClient,
  events: readonly ImportedEvent[],
  timeZone: string,
): Promise<EventImportResult> {
  const organisers = await personIdsByTelegramId(
    tx,
    events.map((event) => event.organiserTelegramId),
  );
  const problems = unknownPersonProblems(
    events,
    "organiserTelegramId",
    (event) => event.organiserTelegramId,
    organisers,
  );
  if (problems.length > 0) return { ok: false, problems };
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const updateProblems: ImportProblem[] = [];
  for (const event of events) {
    const importKeys = eventImportKeys(event);
    const stored = new Map(
      (await tx.event.findMany({ where: { importKey: { in: importKeys } } })).map((found) => [found.importKey, found]),
    );
    const existingWeeks = new Set<number>();
    for (const [week, importKey] of importKeys.entries()) {
      const existing = stored.get(importKey);
      if (!existing) continue;
      existingWeeks.add(week);
      const outcome = await updateImportedEvent(tx, existing, event, timeZone);
      if (typeof outcome === "string") counts[outcome]++;
      else updateProblems.push(outcome);
    }
    if (existingWeeks.size === importKeys.length) continue;
    const { line: _line, key: _key, organiserTelegramId, ...input } = event;
    const organiserId = organiserTelegramId === null ? null : (organisers.get(organiserTelegramId) ?? null);
    // Weeks added to a series an earlier run made join that series.
    const seriesKey = [...stored.values()].find((found) => found.seriesKey !== null)?.seriesKey ?? null;
    const imported = { importKeys, existingWeeks, seriesKey };
    counts.created += (
      await insertEvents(tx, IMPORT_OPERATOR, { ...input, organiserId }, timeZone, undefined, imported)
    ).length;
  }
  // Raising from inside the transaction undoes everything written so far.
  if (updateProblems.length > 0) throw new ImportRefused(updateProblems);
  return { ok: true, ...counts };
}
