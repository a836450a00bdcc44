import { z } from "zod";
import type { Db } from "../../db.js";
import {
  IMPORT_KEY_FIELD,
  IMPORT_KEY_REQUIREMENT,
  IMPORT_OPERATOR,
  IMPORT_TRANSACTION,
  CAPACITY_MAX,
  changedFields,
  duplicateKeyProblems,
  importKeyOf,
  type ImportCounts,
  OFFERING_TEXT_FIELDS,
  OFFERING_TEXT_REQUIREMENTS,
  TELEGRAM_ID_REQUIREMENT,
  ImportRefused,
  checkFields,
  refusedProblems,
  convertible,
  isBlank,
  isComplete,
  personIdsByTelegramId,
  shown,
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
import { addDays, compareDays, formatIsoDay, parseIsoDay, type CalendarDay, parseClockTime } from "../../time.js";
import { parseWeekday, weeklySessions, type WeeklySlot } from "./schedule.js";
import type { Course, Prisma } from "../../generated/prisma/client.js";
import { COURSE_CATEGORIES } from "./service.js";
import { insertCourse, type CourseInput } from "./management/service.js";

/**
 * Courses from a YAML or CSV file: every record is checked and every problem is reported with its
 * line, and the courses are stored all together or not at all.
 */

/** A checked course of the file, with the line its record starts on. */
export type ImportedCourse = Omit<CourseInput, "instructorId"> & {
  line: number;
  instructorTelegramId: bigint | null;
  /** The `key` column, when the file gives one. */
  key: string | null;
};

export { formatProblem, type ImportProblem } from "../../file-import.js";

export type ParseResult = { ok: true; courses: ImportedCourse[] } | { ok: false; problems: ImportProblem[] };

/** `sessions` are those of the created courses. */
export type ImportResult = ({ ok: true; sessions: number } & ImportCounts) | { ok: false; problems: ImportProblem[] };

export const DEFAULT_ATTENDANCE_THRESHOLD = 0.75;
/** A longer course is almost certainly a typo in a year, which would create years of sessions. */
const MAX_COURSE_DAYS = 2 * 366;

// ───────────────────────────── the fields of a course ─────────────────────────────

/** 0.75, "0.75", "0,75" or "75%" → 0.75 */
function shareOf(value: string | number): number | undefined {
  if (typeof value === "number") return value;
  const percent = /^\s*(\d+(?:[.,]\d+)?)\s*%\s*$/.exec(value);
  const share = percent?.[1] ? Number(percent[1].replace(",", ".")) / 100 : Number(value.trim().replace(",", "."));
  return Number.isNaN(share) ? undefined : share;
}

const COURSE_FIELDS = {
  ...IMPORT_KEY_FIELD,
  ...OFFERING_TEXT_FIELDS,
  category: z.enum(COURSE_CATEGORIES),
  capacity: convertible(textOrNumber, wholeNumberOf).pipe(z.number().min(1).max(CAPACITY_MAX)),
  attendanceThreshold: convertible(textOrNumber, shareOf)
    .pipe(z.number().min(0).max(1))
    .default(DEFAULT_ATTENDANCE_THRESHOLD),
  firstDay: convertible(z.string(), parseIsoDay),
  lastDay: convertible(z.string(), parseIsoDay),
  instructorTelegramId: convertible(textOrNumber, telegramIdOf).nullable().default(null),
};

const COURSE_REQUIREMENTS: Record<keyof typeof COURSE_FIELDS, string> = {
  ...IMPORT_KEY_REQUIREMENT,
  ...OFFERING_TEXT_REQUIREMENTS,
  category: `must be one of ${COURSE_CATEGORIES.join(", ")}`,
  capacity: `must be a whole number from 1 to ${CAPACITY_MAX}`,
  attendanceThreshold: 'must be a share from 0 to 1 such as 0.75, or a percentage such as "75%"',
  firstDay: "must be a date written as YYYY-MM-DD",
  lastDay: "must be a date written as YYYY-MM-DD",
  instructorTelegramId: TELEGRAM_ID_REQUIREMENT,
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

const COURSE_RECORDS: RecordKind = {
  listKey: "courses",
  noun: "course",
  knownFields: [...Object.keys(COURSE_FIELDS), "weekly"],
  optionalFields: ["key", "attendanceThreshold", "instructorTelegramId"],
};

const SLOT_TEXT = /^(\S+)\s+(\S+)\s*[-–]\s*(\S+)$/;
const SLOT_EXAMPLE = '"Mo 09:00-12:00; Mi 09:00-12:00"';

// ───────────────────────────── checking one record ─────────────────────────────

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
  if (typeof entry === "string")
    return { problems: [`${prefix}${JSON.stringify(entry)} must look like "Mo 09:00-12:00"`] };
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
    return {
      problems: [
        `weekly must be a list of { weekday, from, to } or a text like ${SLOT_EXAMPLE} (got ${shown(weekly)})`,
      ],
    };
  }
  const checked = entries.map((entry, index) => checkSlot(entry, index + 1));
  const problems = checked.flatMap((result) => result.problems);
  const slots = checked.flatMap((result) => (result.slot ? [result.slot] : []));
  return problems.length > 0 ? { problems } : { slots, problems };
}

function periodProblems(firstDay: CalendarDay, lastDay: CalendarDay, slots: WeeklySlot[] | undefined): string[] {
  if (compareDays(lastDay, firstDay) < 0)
    return [`lastDay (${formatIsoDay(lastDay)}) is before firstDay (${formatIsoDay(firstDay)})`];
  if (compareDays(lastDay, addDays(firstDay, MAX_COURSE_DAYS)) > 0) {
    return [
      `lastDay (${formatIsoDay(lastDay)}) is more than two years after firstDay (${formatIsoDay(firstDay)}); check the year`,
    ];
  }
  // Only the number of sessions matters here, and it does not depend on the time zone.
  if (slots && weeklySessions(firstDay, lastDay, slots, "UTC").length === 0) {
    return [
      `the weekly schedule has no session between firstDay (${formatIsoDay(firstDay)}) and lastDay (${formatIsoDay(lastDay)})`,
    ];
  }
  return [];
}

function checkCourse({ line, fields }: RawRecord): { course?: ImportedCourse; problems: ImportProblem[] } {
  const check = checkFields(COURSE_FIELDS, COURSE_REQUIREMENTS, fields);
  const weekly = checkWeekly(fields.weekly);
  const { firstDay, lastDay } = check.values;
  const messages = [
    ...unknownFieldProblems(fields, COURSE_RECORDS.knownFields),
    ...check.problems,
    ...weekly.problems,
    ...(firstDay && lastDay ? periodProblems(firstDay, lastDay, weekly.slots) : []),
  ];
  if (messages.length > 0 || !isComplete(check) || !weekly.slots) {
    return { problems: messages.map((message) => ({ line, message })) };
  }
  return { course: { ...check.values, weekly: weekly.slots, line }, problems: [] };
}

function checkCourses(records: RawRecord[]): ParseResult {
  const checked = records.map(checkCourse);
  const problems = checked.flatMap((result) => result.problems);
  if (problems.length > 0) return { ok: false, problems };
  const courses = checked.flatMap((result) => (result.course ? [result.course] : []));
  const duplicates = duplicateKeyProblems(courses, (course) => [courseImportKey(course)], "course");
  return duplicates.length > 0 ? { ok: false, problems: duplicates } : { ok: true, courses };
}

/** What makes a row of the file the same course on the next run: its key, or its German title, first day and place. */
export function courseImportKey(course: Pick<ImportedCourse, "key" | "titleDe" | "firstDay" | "place">): string {
  return importKeyOf(course.key, [course.titleDe, formatIsoDay(course.firstDay), course.place]);
}

// ───────────────────────────── public API ─────────────────────────────

/** Reads and checks a course file; the format follows the extension (.yaml, .yml or .csv). */
export function parseCourseFile(fileName: string, content: string): ParseResult {
  const records = readRecords(fileName, content, COURSE_RECORDS);
  return "problems" in records ? { ok: false, problems: records.problems } : checkCourses(records.records);
}

/**
 * Brings a course made by an earlier run up to date. Only what does not touch anyone's seat or
 * sessions may change: the descriptions, the place and the capacity. A capacity below the seats
 * taken, or a higher one while people wait (they would move up without being told), is refused.
 */
async function updateImportedCourse(
  tx: Prisma.TransactionClient,
  stored: Course,
  course: ImportedCourse,
): Promise<"updated" | "unchanged" | ImportProblem> {
  const changes = changedFields(stored, {
    descriptionDe: course.descriptionDe,
    descriptionRu: course.descriptionRu,
    place: course.place,
    capacity: course.capacity,
  });
  if (Object.keys(changes).length === 0) return "unchanged";
  if (changes.capacity !== undefined) {
    const [active, waiting] = await Promise.all([
      tx.enrollment.count({ where: { courseId: stored.id, status: "active" } }),
      tx.enrollment.count({ where: { courseId: stored.id, status: "waitlisted" } }),
    ]);
    if (course.capacity < active) {
      return {
        line: course.line,
        message: `capacity ${course.capacity} is below the ${active} seats already taken in this course; it stays at ${stored.capacity}`,
      };
    }
    if (course.capacity > stored.capacity && waiting > 0) {
      return {
        line: course.line,
        message: `capacity: ${waiting} people are waiting for this course; raise its places in the bot, which tells those who move up`,
      };
    }
  }
  await tx.course.update({ where: { id: stored.id }, data: changes });
  return "updated";
}

/**
 * Stores the courses and their sessions in one transaction: when an instructor is unknown or
 * anything fails, nothing is stored.
 */
export async function importCourses(
  db: Db,
  courses: readonly ImportedCourse[],
  timeZone: string,
): Promise<ImportResult> {
  return db.$transaction((tx) => importCoursesWithin(tx, courses, timeZone), IMPORT_TRANSACTION).catch(refusedProblems);
}

/**
 * importCourses inside a transaction the caller already holds (the demo data adds its history in
 * the same one). A refused update throws ImportRefused, so that the caller's transaction undoes
 * everything; an unknown instructor is answered before anything is written.
 */
export async function importCoursesWithin(
  tx: Prisma.TransactionClient,
  courses: readonly ImportedCourse[],
  timeZone: string,
): Promise<ImportResult> {
  const instructors = await personIdsByTelegramId(
    tx,
    courses.map((course) => course.instructorTelegramId),
  );
  const problems = unknownPersonProblems(
    courses,
    "instructorTelegramId",
    (course) => course.instructorTelegramId,
    instructors,
  );
  if (problems.length > 0) return { ok: false, problems };
  const keyed = courses.map((course) => ({ course, importKey: courseImportKey(course) }));
  const keys = keyed.map((entry) => entry.importKey);
  const stored = new Map(
    (await tx.course.findMany({ where: { importKey: { in: keys } } })).map((course) => [course.importKey, course]),
  );
  const createdIds: number[] = [];
  const counts = { updated: 0, unchanged: 0 };
  const updateProblems: ImportProblem[] = [];
  for (const { course, importKey } of keyed) {
    const existing = stored.get(importKey);
    if (existing) {
      const outcome = await updateImportedCourse(tx, existing, course);
      if (typeof outcome === "string") counts[outcome]++;
      else updateProblems.push(outcome);
      continue;
    }
    const { line: _line, key: _key, instructorTelegramId, ...input } = course;
    const instructorId = instructorTelegramId === null ? null : (instructors.get(instructorTelegramId) ?? null);
    createdIds.push((await insertCourse(tx, IMPORT_OPERATOR, { ...input, instructorId }, timeZone, importKey)).id);
  }
  // Raising from inside the transaction undoes everything written so far.
  if (updateProblems.length > 0) throw new ImportRefused(updateProblems);
  const sessions = await tx.courseSession.count({ where: { courseId: { in: createdIds } } });
  return { ok: true, created: createdIds.length, ...counts, sessions };
}

/** Reads, checks and stores a course file; on any problem nothing is stored. */
export async function importCourseFile(
  db: Db,
  fileName: string,
  content: string,
  timeZone: string,
): Promise<ImportResult> {
  const parsed = parseCourseFile(fileName, content);
  return parsed.ok ? importCourses(db, parsed.courses, timeZone) : parsed;
}
