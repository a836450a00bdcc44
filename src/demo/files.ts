import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import { LEAVING_OUTCOMES } from "../features/attendance/service.js";
import { parseCourseFile, type ImportedCourse } from "../features/courses/import.js";
import { GERMAN_LEVELS } from "../features/courses/service.js";
import { parseEventFile, type ImportedEvent } from "../features/events/import.js";
import { DISTRICTS, HELP_AREAS, SPONSOR_LANGUAGES, TIMES } from "../features/sponsorship/service.js";
import { GRANTABLE_ROLES } from "../features/team/service.js";
import { formatProblem, type ImportProblem } from "../file-import.js";
import { SponsorStatus } from "../generated/prisma/client.js";
import { LANGUAGES } from "../i18n.js";
import { isoWeekdayOf, parseIsoDay } from "../time.js";

/**
 * The demo's files under prisma/demo/, read and checked before anything is stored. Courses and
 * events are in the format of the import scripts and read by the same parsers; the rest (people,
 * who took part, sponsorships, police figures) has its own small schemas here.
 */

const FOLDER = join("prisma", "demo");

/**
 * prisma/demo, looked up from this module upwards: from src/demo/ when run with tsx, from
 * dist/src/demo/ when built (the image copies prisma/ beside dist/).
 */
export function demoFolder(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, FOLDER);
    if (existsSync(join(candidate, "calendar.yaml"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`the demo data (${FOLDER}/) was not found in ${from} or above`);
  }
}

// ───────────────────────────── schemas ─────────────────────────────

const ref = z.string().min(1);
const daysAgo = z.number().int().min(0);
const share = z.number().min(0).max(1);
const list = <T extends readonly [string, ...string[]]>(codes: T) => z.array(z.enum(codes)).min(1);

const RESIDENT = z.strictObject({
  ref,
  /** Negative: no real user can have it. */
  telegramId: z.number().int().negative(),
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  language: z.enum(LANGUAGES),
  /** Where the person lives (Person.district), as the sponsorship's district code. */
  district: z.enum(DISTRICTS),
  /** Days before `now` the person gave consent, before anything they did in the demo's past. */
  joinedDaysAgo: daysAgo,
});

const SPONSOR = z.strictObject({
  status: z.enum(SponsorStatus),
  languages: list(SPONSOR_LANGUAGES),
  areas: list(HELP_AREAS),
  districts: list(DISTRICTS),
  availability: list(TIMES),
  maxFamilies: z.number().int().positive(),
  shareContact: z.boolean(),
  about: z.string().min(1),
});

const PEOPLE = z.strictObject({
  people: z.array(
    RESIDENT.extend({ roles: z.array(z.enum(GRANTABLE_ROLES)).default([]), sponsor: SPONSOR.optional() }),
  ),
  residents: z.array(RESIDENT),
});

const PARTICIPANT = z.strictObject({
  who: ref,
  presence: share,
  stopsAfter: share.optional(),
  level: z.enum(GERMAN_LEVELS).optional(),
  outcome: z.enum(LEAVING_OUTCOMES).optional(),
  outcomeAfter6m: z.enum(LEAVING_OUTCOMES).optional(),
});

const COURSE_HISTORY = z.record(
  z.string(),
  z.strictObject({ instructor: ref, participants: z.array(PARTICIPANT).default([]) }),
);

const TURNOUT = z.strictObject({
  going: z.number().int().min(1),
  checkedIn: z.number().int().min(0),
  walkIns: z.number().int().min(0),
});

const EVENT_HISTORY = z.strictObject({
  organiser: ref,
  turnout: z.record(z.string(), TURNOUT),
  seriesTurnout: z.record(z.string(), z.array(TURNOUT).min(1)),
});

const REQUEST = z.strictObject({
  family: ref,
  areas: list(HELP_AREAS),
  languages: list(SPONSOR_LANGUAGES),
  district: z.enum(DISTRICTS),
  familySize: z.number().int().positive(),
  childrenAges: z.string(),
  contactTimes: list(TIMES),
  askedDaysAgo: daysAgo,
  match: z.strictObject({ sponsor: ref, afterDays: daysAgo, endedDaysAgo: daysAgo.optional() }).optional(),
});

const SPONSORSHIPS = z.strictObject({ requests: z.array(REQUEST) });

const OFFENCES = z.strictObject({
  source: z.string().min(1),
  enteredBy: ref,
  quarters: z.array(z.strictObject({ quartersAgo: z.number().int().positive(), value: z.number().min(0) })),
});

const CALENDAR = z.strictObject({
  anchorMonday: z.string().transform((text, ctx) => {
    const day = parseIsoDay(text);
    if (day && isoWeekdayOf(day) === 1) return day;
    ctx.addIssue("must be a Monday written as YYYY-MM-DD");
    return z.NEVER;
  }),
  closingDays: z.array(z.string().regex(/^\d\d-\d\d$/, "must be written as MM-DD")),
});

export type DemoResident = z.output<typeof RESIDENT>;
export type DemoPerson = z.output<typeof PEOPLE>["people"][number];
export type DemoSponsor = z.output<typeof SPONSOR>;
export type DemoParticipant = z.output<typeof PARTICIPANT>;
export type Turnout = z.output<typeof TURNOUT>;
export type DemoRequest = z.output<typeof REQUEST>;

export interface DemoFiles {
  calendar: z.output<typeof CALENDAR>;
  people: z.output<typeof PEOPLE>;
  courses: ImportedCourse[];
  courseHistory: z.output<typeof COURSE_HISTORY>;
  events: ImportedEvent[];
  eventHistory: z.output<typeof EVENT_HISTORY>;
  sponsorships: z.output<typeof SPONSORSHIPS>;
  offences: z.output<typeof OFFENCES>;
}

// ───────────────────────────── reading ─────────────────────────────

function problemsOf(name: string, problems: readonly ImportProblem[]): Error {
  return new Error(`${FOLDER}/${name}: ${problems.map(formatProblem).join("; ")}`);
}

function readYaml<S extends z.ZodType>(folder: string, name: string, schema: S): z.output<S> {
  const parsed = schema.safeParse(parse(readFileSync(join(folder, name), "utf8")));
  if (!parsed.success) throw new Error(`${FOLDER}/${name}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** An import file of the demo (`courses` → courses.yaml), read by the import's own parser. */
function readImportFile<R>(
  folder: string,
  kind: string,
  parseFile: (fileName: string, content: string) => R,
): [string, R] {
  const name = `${kind}.yaml`;
  return [name, parseFile(name, readFileSync(join(folder, name), "utf8"))];
}

/** Reads and checks every file of the demo; a mistake in any of them is thrown with the file's name. */
export function readDemoFiles(folder = demoFolder()): DemoFiles {
  const [courseFile, courses] = readImportFile(folder, "courses", parseCourseFile);
  if (!courses.ok) throw problemsOf(courseFile, courses.problems);
  const [eventFile, events] = readImportFile(folder, "events", parseEventFile);
  if (!events.ok) throw problemsOf(eventFile, events.problems);
  return {
    calendar: readYaml(folder, "calendar.yaml", CALENDAR),
    people: readYaml(folder, "people.yaml", PEOPLE),
    courses: courses.courses,
    courseHistory: readYaml(folder, "course-history.yaml", COURSE_HISTORY),
    events: events.events,
    eventHistory: readYaml(folder, "event-history.yaml", EVENT_HISTORY),
    sponsorships: readYaml(folder, "sponsorships.yaml", SPONSORSHIPS),
    offences: readYaml(folder, "offences.yaml", OFFENCES),
  };
}
