import { z } from "zod";
import type { Db } from "../../db.js";
import {
  IMPORT_OPERATOR,
  IMPORT_TRANSACTION,  CAPACITY_MAX,
  OFFERING_TEXT_FIELDS,
  OFFERING_TEXT_REQUIREMENTS,
  TELEGRAM_ID_REQUIREMENT,
  checkFields,
  convertible,
  isComplete,
  personIdsByTelegramId,
  readRecords,
  telegramIdOf,
  textOrNumber,
  unknownFieldProblems,
  unknownPersonProblems,
  wholeNumberOf,
  type ImportProblem,
  type RawRecord,
  type RecordKind,
} from "../../file-import.js";
import { parseIsoDay, parseClockTime } from "../../time.js";
import { EVENT_KINDS, insertEvents, type EventInput } from "./service.js";

/**
 * Events from a YAML or CSV file, like the course import: every problem is reported with its
 * line, and the events are stored all together or not at all. `weeks` above 1 makes a weekly
 * series (e.g. the drop-in every Wednesday).
 */

export type ImportedEvent = Omit<EventInput, "organiserId"> & { line: number; organiserTelegramId: bigint | null };
export type EventParseResult = { ok: true; events: ImportedEvent[] } | { ok: false; problems: ImportProblem[] };
export type EventImportResult = { ok: true; events: number } | { ok: false; problems: ImportProblem[] };

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
  optionalFields: ["capacity", "asksPartySize", "weeks", "organiserTelegramId"],
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
  return { ok: true, events: checked.flatMap((result) => (result.event ? [result.event] : [])) };
}


/** Stores the events in one transaction: when an organiser is unknown or anything fails, nothing is stored. */
export async function importEvents(db: Db, events: readonly ImportedEvent[], timeZone: string): Promise<EventImportResult> {
  return db.$transaction(
    async (tx) => {
      const organisers = await personIdsByTelegramId(tx, events.map((event) => event.organiserTelegramId));
      const problems = unknownPersonProblems(events, "organiserTelegramId", (event) => event.organiserTelegramId, organisers);
      if (problems.length > 0) return { ok: false, problems };
      let created = 0;
      for (const { line: _line, organiserTelegramId, ...input } of events) {
        const organiserId = organiserTelegramId === null ? null : (organisers.get(organiserTelegramId) ?? null);
        created += (await insertEvents(tx, IMPORT_OPERATOR, { ...input, organiserId }, timeZone)).length;
      }
      return { ok: true, events: created };
    },
    IMPORT_TRANSACTION,
  );
}
