import { z } from "zod";
import type { Db } from "./db.js";
import type { Actor } from "./people/roles.js";

/** An import is started by an operator on the server, who holds the authority of a manager. */
export const IMPORT_OPERATOR: Actor = { id: 0, roles: ["manager"] };

/** Many rows with many sessions may take longer than Prisma's default transaction time of 5 s. */
export const IMPORT_TRANSACTION = { timeout: 60_000 } as const;

/**
 * Reading records (courses, events) from YAML or CSV files for the import scripts: every field is
 * checked and every problem is reported with the line it is on. What a record means is up to
 * the feature; this module knows files, lines and field checks.
 */

/** Something wrong in the file; line 0 stands for the file as a whole. */
export interface ImportProblem {
  line: number;
  message: string;
}

/** "line 4: capacity must be …", or the message alone for a problem of the whole file. */
export function formatProblem(problem: ImportProblem): string {
  return problem.line > 0 ? `line ${problem.line}: ${problem.message}` : problem.message;
}

/** What a file holds: "courses" of "course" records with these fields. */
export interface RecordKind {
  listKey: string;
  noun: string;
  knownFields: readonly string[];
  optionalFields: readonly string[];
}

/** The fields of one record as they were written in the file, before any check. */
export interface RawRecord {
  line: number;
  fields: Record<string, unknown>;
}

/** The records of a file, or what keeps it from being read. */
export type Records = { records: RawRecord[] } | { problems: ImportProblem[] };

// ───────────────────────────── fields ─────────────────────────────

/** A schema that accepts what `convert` turns into a value and rejects what it cannot convert. */
export function convertible<I, O>(input: z.ZodType<I>, convert: (value: I) => O | undefined) {
  return input.transform((value, ctx) => {
    const converted = convert(value);
    if (converted !== undefined) return converted;
    ctx.addIssue("cannot be converted");
    return z.NEVER;
  });
}

export const text = (maxLength: number) => z.string().trim().min(1).max(maxLength);

export const textOrNumber = z.union([z.string(), z.number()]);

export function wholeNumberOf(value: string | number): number | undefined {
  const number = typeof value === "number" ? value : /^\s*\+?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

export function telegramIdOf(value: string | number): bigint | undefined {
  const id = wholeNumberOf(value);
  return id !== undefined && id > 0 ? BigInt(id) : undefined;
}

export const TITLE_MAX_LENGTH = 120;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const PLACE_MAX_LENGTH = 200;
export const CAPACITY_MAX = 500;

/** The texts every offering has, in both languages, and its place. */
export const OFFERING_TEXT_FIELDS = {
  titleDe: text(TITLE_MAX_LENGTH),
  titleRu: text(TITLE_MAX_LENGTH),
  descriptionDe: text(DESCRIPTION_MAX_LENGTH),
  descriptionRu: text(DESCRIPTION_MAX_LENGTH),
  place: text(PLACE_MAX_LENGTH),
};

export const OFFERING_TEXT_REQUIREMENTS: Record<keyof typeof OFFERING_TEXT_FIELDS, string> = {
  titleDe: `must be a text of at most ${TITLE_MAX_LENGTH} characters`,
  titleRu: `must be a text of at most ${TITLE_MAX_LENGTH} characters`,
  descriptionDe: `must be a text of at most ${DESCRIPTION_MAX_LENGTH} characters`,
  descriptionRu: `must be a text of at most ${DESCRIPTION_MAX_LENGTH} characters`,
  place: `must be a text of at most ${PLACE_MAX_LENGTH} characters`,
};

export const IMPORT_KEY_MAX_LENGTH = 100;

/** An optional `key` column: a name the office gives a row so a re-run finds it even after its title changed. */
export const IMPORT_KEY_FIELD = {
  key: convertible(textOrNumber, (value) => String(value).trim() || undefined)
    .pipe(z.string().max(IMPORT_KEY_MAX_LENGTH))
    .nullable()
    .default(null),
};

export const IMPORT_KEY_REQUIREMENT = { key: `must be a text of at most ${IMPORT_KEY_MAX_LENGTH} characters` };

/** A stable key for a row: the explicit key when the file gives one, else the row's identifying fields. */
export function importKeyOf(explicitKey: string | null, identifying: readonly (string | number)[]): string {
  return JSON.stringify(explicitKey === null ? identifying : ["key", explicitKey]);
}

/** A problem for each record whose key an earlier record of the same file already has. */
export function duplicateKeyProblems<R extends { line: number }>(
  records: readonly R[],
  keyOf: (record: R) => readonly string[],
  noun: string,
): ImportProblem[] {
  const firstLine = new Map<string, number>();
  const problems: ImportProblem[] = [];
  for (const record of records) {
    for (const key of new Set(keyOf(record))) {
      const earlier = firstLine.get(key);
      if (earlier === undefined) firstLine.set(key, record.line);
      else
        problems.push({
          line: record.line,
          message: `is the same ${noun} as line ${earlier}; give each ${noun} its own "key"`,
        });
    }
  }
  return problems;
}

/** Thrown inside an import's transaction so that nothing it wrote stays. */
export class ImportRefused extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map(formatProblem).join("; "));
  }
}

/** Turns a refused import back into its problems; any other failure goes on. */
export function refusedProblems(error: unknown): { ok: false; problems: ImportProblem[] } {
  if (error instanceof ImportRefused) return { ok: false, problems: error.problems };
  throw error;
}

/** What an import did: new rows, rows whose changeable fields changed, rows left as they were. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** The fields an import may change on a row it made before: texts that only describe it, and its place. */
export function changedFields<T extends Record<string, unknown>>(stored: T, wanted: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(wanted).filter(([name, value]) => stored[name] !== value)) as Partial<T>;
}

export const TELEGRAM_ID_REQUIREMENT = "must be the Telegram user id of a person, a positive whole number";

// ───────────────────────────── people named by Telegram id ─────────────────────────────

/** The person ids of the Telegram ids that records name (instructors, organisers). */
export async function personIdsByTelegramId(
  db: Pick<Db, "person">,
  telegramIds: readonly (bigint | null)[],
): Promise<Map<bigint, number>> {
  const wanted = [...new Set(telegramIds.filter((id) => id !== null))];
  if (wanted.length === 0) return new Map();
  const people = await db.person.findMany({
    where: { telegramId: { in: wanted } },
    select: { id: true, telegramId: true },
  });
  return new Map(
    people.flatMap((person) => (person.telegramId === null ? [] : [[person.telegramId, person.id] as const])),
  );
}

/** A problem for each record that names a Telegram id the bot does not know. */
export function unknownPersonProblems<R extends { line: number }>(
  records: readonly R[],
  field: string,
  telegramIdOfRecord: (record: R) => bigint | null,
  known: Map<bigint, number>,
): ImportProblem[] {
  return records.flatMap((record) => {
    const telegramId = telegramIdOfRecord(record);
    if (telegramId === null || known.has(telegramId)) return [];
    return [
      {
        line: record.line,
        message: `${field} ${String(telegramId)} is not a person known to the bot (they must have written to it first)`,
      },
    ];
  });
}

// ───────────────────────────── checking one record ─────────────────────────────

export type FieldValues<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.output<S[K]> };

export interface FieldCheck<S extends Record<string, z.ZodType>> {
  values: Partial<FieldValues<S>>;
  problems: string[];
}

export function isBlank(value: unknown): boolean {
  return (
    value == null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0)
  );
}

/** How a value that was rejected looked in the file. */
export function shown(value: unknown): string {
  if (typeof value === "string")
    return value.length > 60 ? `a text of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "a mapping";
  return String(value);
}

/** Checks each field on its own, so every wrong field of a record is reported. */
export function checkFields<S extends Record<string, z.ZodType>>(
  schemas: S,
  requirements: Record<keyof S, string>,
  fields: Record<string, unknown>,
  prefix = "",
): FieldCheck<S> {
  const values: Partial<FieldValues<S>> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(schemas) as [keyof S & string, z.ZodType][]) {
    const raw = isBlank(fields[name]) ? undefined : fields[name];
    const result = schema.safeParse(raw);
    if (result.success) values[name] = result.data as z.output<S[typeof name]>;
    else
      problems.push(
        raw === undefined
          ? `${prefix}${name} is missing`
          : `${prefix}${name} ${requirements[name]} (got ${shown(raw)})`,
      );
  }
  return { values, problems };
}

export function isComplete<S extends Record<string, z.ZodType>>(
  check: FieldCheck<S>,
): check is { values: FieldValues<S>; problems: [] } {
  return check.problems.length === 0;
}

export function unknownFieldProblems(fields: Record<string, unknown>, knownFields: readonly string[]): string[] {
  return Object.keys(fields)
    .filter((name) => !knownFields.includes(name))
    .map((name) => {
      const meant = knownFields.find((known) => known.toLowerCase() === name.trim().toLowerCase());
      return `unknown field "${name}"${meant ? ` (did you mean "${meant}"?)` : ""}`;
    });
}
