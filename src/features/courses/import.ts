import { CsvError, parse as parseCsv, type CsvErrorCode } from "csv-parse/sync";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import type { Db } from "../../db.js";
import { addDays, compareDays, parseClockTime, parseIsoDay, type CalendarDay } from "../../time.js";
import { parseWeekday, weeklySessions, type WeeklySlot } from "./schedule.js";
import { COURSE_CATEGORIES, insertCourse, type CourseInput } from "./service.js";
import type { Actor } from "../onboarding/roles.js";

/**
 * Courses from a YAML or CSV file: every record is checked and every problem is reported with its
 * line, and the courses are stored all together or not at all.
 */

/** Something wrong in the file; line 0 stands for the file as a whole. */
export interface ImportProblem {
  line: number;
  message: string;
}

/** A checked course of the file, with the line its record starts on. */
export type ImportedCourse = Omit<CourseInput, "instructorId"> & {
  line: number;
  instructorTelegramId: bigint | null;
};

export type ParseResult = { ok: true; courses: ImportedCourse[] } | { ok: false; problems: ImportProblem[] };

export type ImportResult = { ok: true; courses: number; sessions: number } | { ok: false; problems: ImportProblem[] };

export const TITLE_MAX_LENGTH = 120;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const PLACE_MAX_LENGTH = 200;
export const CAPACITY_MAX = 500;
export const DEFAULT_ATTENDANCE_THRESHOLD = 0.75;
/** A longer course is almost certainly a typo in a year, which would create years of sessions. */
const MAX_COURSE_DAYS = 2 * 366;

// ───────────────────────────── the fields of a course ─────────────────────────────

/** A schema that accepts what `convert` turns into a value and rejects what it cannot convert. */
function convertible<I, O>(input: z.ZodType<I>, convert: (value: I) => O | undefined) {
  return input.transform((value, ctx) => {
    const converted = convert(value);
    if (converted !== undefined) return converted;
    ctx.addIssue("cannot be converted");
    return z.NEVER;
  });
}

const text = (maxLength: number) => z.string().trim().min(1).max(maxLength);

const textOrNumber = z.union([z.string(), z.number()]);

function wholeNumberOf(value: string | number): number | undefined {
  const number = typeof value === "number" ? value : /^\s*\+?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

/** 0.75, "0.75", "0,75" or "75%" → 0.75 */
function shareOf(value: string | number): number | undefined {
  if (typeof value === "number") return value;
  const percent = /^\s*(\d+(?:[.,]\d+)?)\s*%\s*$/.exec(value);
  const share = percent?.[1] ? Number(percent[1].replace(",", ".")) / 100 : Number(value.trim().replace(",", "."));
  return Number.isNaN(share) ? undefined : share;
}

function telegramIdOf(value: string | number): bigint | undefined {
  const id = wholeNumberOf(value);
  return id !== undefined && id > 0 ? BigInt(id) : undefined;
}

const COURSE_FIELDS = {
  titleDe: text(TITLE_MAX_LENGTH),
  titleRu: text(TITLE_MAX_LENGTH),
  descriptionDe: text(DESCRIPTION_MAX_LENGTH),
  descriptionRu: text(DESCRIPTION_MAX_LENGTH),
  category: z.enum(COURSE_CATEGORIES),
  capacity: convertible(textOrNumber, wholeNumberOf).pipe(z.number().min(1).max(CAPACITY_MAX)),
  attendanceThreshold: convertible(textOrNumber, shareOf).pipe(z.number().min(0).max(1)).default(DEFAULT_ATTENDANCE_THRESHOLD),
  place: text(PLACE_MAX_LENGTH),
  firstDay: convertible(z.string(), parseIsoDay),
  lastDay: convertible(z.string(), parseIsoDay),
  instructorTelegramId: convertible(textOrNumber, telegramIdOf).nullable().default(null),
};

const COURSE_REQUIREMENTS: Record<keyof typeof COURSE_FIELDS, string> = {
  titleDe: `must be a text of at most ${TITLE_MAX_LENGTH} characters`,
  titleRu: `must be a text of at most ${TITLE_MAX_LENGTH} characters`,
  descriptionDe: `must be a text of at most ${DESCRIPTION_MAX_LENGTH} characters`,
  descriptionRu: `must be a text of at most ${DESCRIPTION_MAX_LENGTH} characters`,
  category: `must be one of ${COURSE_CATEGORIES.join(", ")}`,
  capacity: `must be a whole number from 1 to ${CAPACITY_MAX}`,
  attendanceThreshold: 'must be a share from 0 to 1 such as 0.75, or a percentage such as "75%"',
  place: `must be a text of at most ${PLACE_MAX_LENGTH} characters`,
  firstDay: "must be a date written as YYYY-MM-DD",
  lastDay: "must be a date written as YYYY-MM-DD",
  instructorTelegramId: "must be the Telegram user id of a person, a positive whole number",
};

const SLOT_FIELDS = {
  weekday: convertible(textOrNumber, (value) => parseWeekday(String(value))),
  from: convertible(z.string(), parseClockTime),
  to: convertible(z.string(), parseClockTime),
};

const SLOT_REQUIREMENTS: Record<keyof typeof SLOT_FIELDS, string> = {
  weekday: "must be one of Mo, Di, Mi, Do, Fr, Sa, So, or mon … sun, or 1 … 7",
  from: 'must be a time written as "HH:MM"',
  to: 'must be a time written as "HH:MM"',
};

const KNOWN_FIELDS = [...Object.keys(COURSE_FIELDS), "weekly"];
const OPTIONAL_FIELDS = ["attendanceThreshold", "instructorTelegramId"];

const SLOT_TEXT = /^(\S+)\s+(\S+)\s*[-–]\s*(\S+)$/;
const SLOT_EXAMPLE = '"Mo 09:00-12:00; Mi 09:00-12:00"';

// ───────────────────────────── checking one record ─────────────────────────────

/** The fields of one course as they were written in the file, before any check. */
interface RawCourse {
  line: number;
  fields: Record<string, unknown>;
}

type FieldValues<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.output<S[K]> };

interface FieldCheck<S extends Record<string, z.ZodType>> {
  values: Partial<FieldValues<S>>;
  problems: string[];
}

function isBlank(value: unknown): boolean {
  return value == null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);
}

/** How a value that was rejected looked in the file. */
function shown(value: unknown): string {
  if (typeof value === "string") return value.length > 60 ? `a text of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "a mapping";
  return String(value);
}

/** Checks each field on its own, so every wrong field of a record is reported. */
function checkFields<S extends Record<string, z.ZodType>>(
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
    else problems.push(raw === undefined ? `${prefix}${name} is missing` : `${prefix}${name} ${requirements[name]} (got ${shown(raw)})`);
  }
  return { values, problems };
}

function isComplete<S extends Record<string, z.ZodType>>(check: FieldCheck<S>): check is { values: FieldValues<S>; problems: [] } {
  return check.problems.length === 0;
}

/** The weekly schedule as a list of { weekday, from, to } mappings, from a list or a text. */
function slotEntries(weekly: unknown): unknown[] | undefined {
  if (Array.isArray(weekly)) return weekly as unknown[];
  if (typeof weekly !== "string") return undefined;
  return weekly
    .split(";")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const match = SLOT_TEXT.exec(entry);
      return match ? { weekday: match[1], from: match[2], to: match[3] } : entry;
    });
}

function checkSlot(entry: unknown, position: number): { slot?: WeeklySlot; problems: string[] } {
  const prefix = `weekly entry ${position}: `;
  if (typeof entry === "string") return { problems: [`${prefix}${JSON.stringify(entry)} must look like "Mo 09:00-12:00"`] };
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return { problems: [`${prefix}must be a mapping { weekday, from, to } (got ${shown(entry)})`] };
  }
  const check = checkFields(SLOT_FIELDS, SLOT_REQUIREMENTS, entry as Record<string, unknown>, prefix);
  if (!isComplete(check)) return { problems: check.problems };
  const slot = check.values;
  if (slot.to <= slot.from) return { problems: [`${prefix}to (${slot.to}) must be later than from (${slot.from})`] };
  return { slot, problems: [] };
}

function checkWeekly(weekly: unknown): { slots?: WeeklySlot[]; problems: string[] } {
  if (isBlank(weekly)) return { problems: ["weekly is missing"] };
  const entries = slotEntries(weekly);
  if (!entries || entries.length === 0) {
    return { problems: [`weekly must be a list of { weekday, from, to } or a text like ${SLOT_EXAMPLE} (got ${shown(weekly)})`] };
  }
  const checked = entries.map((entry, index) => checkSlot(entry, index + 1));
  const problems = checked.flatMap((result) => result.problems);
  const slots = checked.flatMap((result) => (result.slot ? [result.slot] : []));
  return problems.length > 0 ? { problems } : { slots, problems };
}

function isoDay(day: CalendarDay): string {
  return [day.year, day.month, day.day].map((part, index) => String(part).padStart(index === 0 ? 4 : 2, "0")).join("-");
}

function periodProblems(firstDay: CalendarDay, lastDay: CalendarDay, slots: WeeklySlot[] | undefined): string[] {
  if (compareDays(lastDay, firstDay) < 0) return [`lastDay (${isoDay(lastDay)}) is before firstDay (${isoDay(firstDay)})`];
  if (compareDays(lastDay, addDays(firstDay, MAX_COURSE_DAYS)) > 0) {
    return [`lastDay (${isoDay(lastDay)}) is more than two years after firstDay (${isoDay(firstDay)}); check the year`];
  }
  // Only the number of sessions matters here, and it does not depend on the time zone.
  if (slots && weeklySessions(firstDay, lastDay, slots, "UTC").length === 0) {
    return [`the weekly schedule has no session between firstDay (${isoDay(firstDay)}) and lastDay (${isoDay(lastDay)})`];
  }
  return [];
}

function unknownFieldProblems(fields: Record<string, unknown>): string[] {
  return Object.keys(fields)
    .filter((name) => !KNOWN_FIELDS.includes(name))
    .map((name) => {
      const meant = KNOWN_FIELDS.find((known) => known.toLowerCase() === name.trim().toLowerCase());
      return `unknown field "${name}"${meant ? ` (did you mean "${meant}"?)` : ""}`;
    });
}

function checkCourse({ line, fields }: RawCourse): { course?: ImportedCourse; problems: ImportProblem[] } {
  const check = checkFields(COURSE_FIELDS, COURSE_REQUIREMENTS, fields);
  const weekly = checkWeekly(fields.weekly);
  const { firstDay, lastDay } = check.values;
  const messages = [
    ...unknownFieldProblems(fields),
    ...check.problems,
    ...weekly.problems,
    ...(firstDay && lastDay ? periodProblems(firstDay, lastDay, weekly.slots) : []),
  ];
  if (messages.length > 0 || !isComplete(check) || !weekly.slots) {
    return { problems: messages.map((message) => ({ line, message })) };
  }
  return { course: { ...check.values, weekly: weekly.slots, line }, problems: [] };
}

function checkCourses(records: RawCourse[]): ParseResult {
  if (records.length === 0) return { ok: false, problems: [{ line: 0, message: "the file contains no courses" }] };
  const checked = records.map(checkCourse);
  const problems = checked.flatMap((result) => result.problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, courses: checked.flatMap((result) => (result.course ? [result.course] : [])) };
}

// ───────────────────────────── YAML ─────────────────────────────

type Records = { records: RawCourse[] } | { problems: ImportProblem[] };

const YAML_SHAPE = 'the file must hold a list of courses, at the top or under "courses:"';

function yamlCourseList(doc: Document) {
  const contents = doc.contents;
  if (isSeq(contents)) return contents;
  if (isMap(contents)) {
    const courses = contents.get("courses", true);
    if (isSeq(courses)) return courses;
  }
  return undefined;
}

function yamlRecords(content: string): Records {
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, prettyErrors: false });
  // An unclosed bracket is noticed at the very end, which may be the empty line after the last one.
  const lastLine = content.trimEnd().split("\n").length;
  const lineAt = (offset: number) => Math.min(lineCounter.linePos(offset).line, lastLine);
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((error) => ({ line: lineAt(error.pos[0]), message: `YAML: ${error.message.split("\n")[0]}` })) };
  }
  const list = yamlCourseList(doc);
  if (!list) return { problems: [{ line: 1, message: YAML_SHAPE }] };
  const records: RawCourse[] = [];
  const problems: ImportProblem[] = [];
  for (const item of list.items) {
    const line = lineAt((isNode(item) ? item.range : list.range)?.[0] ?? 0);
    if (isMap(item)) records.push({ line, fields: item.toJS(doc) as Record<string, unknown> });
    else problems.push({ line, message: "each course must be a mapping of fields such as titleDe: …" });
  }
  return problems.length > 0 ? { problems } : { records };
}

// ───────────────────────────── CSV ─────────────────────────────

/** Spreadsheets set to German write ";" between fields; a header without any "," tells. */
function csvDelimiterOf(content: string): string {
  const header = content.split("\n", 1)[0] ?? "";
  return header.includes(";") && !header.includes(",") ? ";" : ",";
}

interface CsvRow {
  record: string[];
  info: { lines: number };
}

/** info.lines is the line a record ends on; a quoted field may span several lines. */
function startLineOf(row: CsvRow): number {
  const innerNewlines = row.record.reduce((count, field) => count + field.split("\n").length - 1, 0);
  return row.info.lines - innerNewlines;
}

const STRAY_QUOTE: readonly CsvErrorCode[] = ["INVALID_OPENING_QUOTE", "CSV_INVALID_CLOSING_QUOTE", "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"];

function csvErrorProblem(error: CsvError, lastRecordEnd: number): ImportProblem {
  // An unclosed quote is only noticed at the end of the file; the record after the last good one holds it.
  const recordStart = lastRecordEnd + 1;
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    return { line: recordStart, message: 'CSV: a quoted field in this record is never closed (a " is missing)' };
  }
  const line = typeof error.lines === "number" ? error.lines : recordStart;
  if (STRAY_QUOTE.includes(error.code)) {
    return { line, message: 'CSV: a field contains a "; put the whole field in quotes and write each " inside it as ""' };
  }
  return { line, message: `CSV: ${error.message}` };
}

function csvRows(content: string): { rows: CsvRow[] } | { problems: ImportProblem[] } {
  // csv-parse counts a CRLF inside a quoted field as two lines, so line endings are made uniform first.
  const normalized = content.replace(/\r\n?/g, "\n");
  let lastRecordEnd = 0;
  try {
    const rows = parseCsv(normalized, {
      bom: true,
      delimiter: csvDelimiterOf(normalized.replace(/^\uFEFF/, "")),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      on_record: (record: string[], context) => {
        lastRecordEnd = context.lines;
        return record;
      },
    }) as unknown as CsvRow[];
    return { rows };
  } catch (error) {
    if (error instanceof CsvError) return { problems: [csvErrorProblem(error, lastRecordEnd)] };
    throw error;
  }
}

function csvHeader(row: CsvRow): { columns: string[] } | { problems: ImportProblem[] } {
  const line = startLineOf(row);
  const columns = row.record.map((name) => KNOWN_FIELDS.find((known) => known.toLowerCase() === name.trim().toLowerCase()) ?? name.trim());
  const problems = [
    ...columns.filter((name) => !KNOWN_FIELDS.includes(name)).map((name) => `unknown column "${name}"`),
    ...columns.filter((name, index) => columns.indexOf(name) !== index).map((name) => `column "${name}" appears twice`),
    ...KNOWN_FIELDS.filter((name) => !OPTIONAL_FIELDS.includes(name) && !columns.includes(name)).map((name) => `column "${name}" is missing`),
  ];
  if (problems.length > 0) return { problems: problems.map((message) => ({ line, message })) };
  return { columns };
}

function csvRecord(columns: string[], row: CsvRow): RawCourse | ImportProblem {
  const line = startLineOf(row);
  if (row.record.length !== columns.length) {
    return {
      line,
      message: `has ${row.record.length} fields but the header has ${columns.length}; put texts with commas, semicolons or line breaks in "quotes"`,
    };
  }
  return { line, fields: Object.fromEntries(columns.map((name, index) => [name, row.record[index]])) };
}

function csvRecords(content: string): Records {
  const parsed = csvRows(content);
  if ("problems" in parsed) return parsed;
  const [headerRow, ...rows] = parsed.rows;
  if (!headerRow) return { records: [] };
  const header = csvHeader(headerRow);
  if ("problems" in header) return header;
  const results = rows.map((row) => csvRecord(header.columns, row));
  const problems = results.filter((result): result is ImportProblem => "message" in result);
  if (problems.length > 0) return { problems };
  return { records: results.filter((result): result is RawCourse => "fields" in result) };
}

// ───────────────────────────── public API ─────────────────────────────

const READERS: Record<string, (content: string) => Records> = { yaml: yamlRecords, yml: yamlRecords, csv: csvRecords };

/** Reads and checks a course file; the format follows the extension (.yaml, .yml or .csv). */
export function parseCourseFile(fileName: string, content: string): ParseResult {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? "";
  const readRecords = READERS[extension];
  if (!readRecords) {
    return { ok: false, problems: [{ line: 0, message: `cannot read "${fileName}": the file name must end in .yaml, .yml or .csv` }] };
  }
  const records = readRecords(content);
  return "problems" in records ? { ok: false, problems: records.problems } : checkCourses(records.records);
}

// The import is started by an operator on the server, who holds the authority of a manager.
const OPERATOR: Actor = { id: 0, roles: ["manager"] };

/** Many courses with many sessions may take longer than Prisma's default of five seconds. */
const IMPORT_TIMEOUT_MS = 60_000;

async function instructorIds(db: Pick<Db, "person">, courses: readonly ImportedCourse[]): Promise<Map<bigint, number>> {
  const telegramIds = [...new Set(courses.flatMap((course) => (course.instructorTelegramId === null ? [] : [course.instructorTelegramId])))];
  if (telegramIds.length === 0) return new Map();
  const people = await db.person.findMany({ where: { telegramId: { in: telegramIds } }, select: { id: true, telegramId: true } });
  return new Map(people.flatMap((person) => (person.telegramId === null ? [] : [[person.telegramId, person.id] as const])));
}

function unknownInstructorProblems(courses: readonly ImportedCourse[], known: Map<bigint, number>): ImportProblem[] {
  return courses
    .filter((course) => course.instructorTelegramId !== null && !known.has(course.instructorTelegramId))
    .map((course) => ({
      line: course.line,
      message: `instructorTelegramId ${String(course.instructorTelegramId)} is not a person known to the bot (they must have written to it first)`,
    }));
}

/**
 * Stores the courses and their sessions in one transaction: when an instructor is unknown or
 * anything fails, nothing is stored.
 */
export async function importCourses(db: Db, courses: readonly ImportedCourse[], timeZone: string): Promise<ImportResult> {
  return db.$transaction(
    async (tx) => {
      const instructors = await instructorIds(tx, courses);
      const problems = unknownInstructorProblems(courses, instructors);
      if (problems.length > 0) return { ok: false, problems };
      const courseIds: number[] = [];
      for (const { line: _line, instructorTelegramId, ...input } of courses) {
        const instructorId = instructorTelegramId === null ? null : (instructors.get(instructorTelegramId) ?? null);
        courseIds.push((await insertCourse(tx, OPERATOR, { ...input, instructorId }, timeZone)).id);
      }
      const sessions = await tx.courseSession.count({ where: { courseId: { in: courseIds } } });
      return { ok: true, courses: courseIds.length, sessions };
    },
    { timeout: IMPORT_TIMEOUT_MS },
  );
}

/** Reads, checks and stores a course file; on any problem nothing is stored. */
export async function importCourseFile(db: Db, fileName: string, content: string, timeZone: string): Promise<ImportResult> {
  const parsed = parseCourseFile(fileName, content);
  return parsed.ok ? importCourses(db, parsed.courses, timeZone) : parsed;
}

/** "line 4: capacity must be …", or the message alone for a problem of the whole file. */
export function formatProblem(problem: ImportProblem): string {
  return problem.line > 0 ? `line ${problem.line}: ${problem.message}` : problem.message;
}
