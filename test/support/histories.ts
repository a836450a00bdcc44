import type { Db } from "../../src/db.js";
import { closeEndedCourses } from "../../src/features/attendance/service.js";
import { erasePersonData } from "../../src/people/erasure.js";
import type {
  AttendanceStatus,
  CourseCategory,
  EnrollmentStatus,
  Outcome,
  RsvpStatus,
} from "../../src/generated/prisma/client.js";

/**
 * Random but reproducible histories of the municipality's data for the differential test of the
 * indicators: each seed gives the same rows. Rows are built in memory with explicit ids and
 * stored with createMany in one transaction; the actions with rules of their own (erasure, the
 * nightly closing) then run through the real services. Further parts of the domain (e.g.
 * sponsorship) add a generator piece of the same shape and a field to History.
 */

// ───────────────────────────── randomness ─────────────────────────────

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` different items, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
}

/** mulberry32: small, fast and the same on every machine. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(0, items.length - 1)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  };
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const rest = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && rest.length > 0) chosen.push(...rest.splice(int(0, rest.length - 1), 1));
    return chosen;
  };
  return { next, int, chance: (probability) => next() < probability, pick, sample };
}

// ───────────────────────────── the rows ─────────────────────────────

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Histories span June 2026 to January 2027; "now" falls between October and mid-January. */
const FIRST_DAY = Date.UTC(2026, 5, 1);
const LAST_DAY = Date.UTC(2027, 0, 20);
/** Session and event hours in UTC: 22:00 falls on the next day (and month) in Berlin. */
const HOURS = [7, 15, 22];

export interface PersonRow {
  id: number;
  telegramId: bigint;
  chatId: bigint;
  firstName: string;
  consentAt: Date;
}

export interface CourseRow {
  id: number;
  titleDe: string;
  titleRu: string;
  descriptionDe: string;
  descriptionRu: string;
  category: CourseCategory;
  capacity: number;
  attendanceThreshold: number;
  startsOn: Date;
  endsOn: Date;
  place: string;
}

export interface SessionRow {
  id: number;
  courseId: number;
  startsAt: Date;
  endsAt: Date;
  cancelledAt: Date | null;
  attendanceTakenAt: Date | null;
}

export interface EnrollmentRow {
  id: number;
  courseId: number;
  personId: number;
  status: EnrollmentStatus;
  requestedAt: Date;
  enrolledAt: Date | null;
  endedAt: Date | null;
  statusSetByHand: boolean;
  fullName: string;
  outcomeAtLeaving: Outcome | null;
  outcomeAfter6m: Outcome | null;
}

export interface AttendanceRow {
  id: number;
  sessionId: number;
  enrollmentId: number;
  status: AttendanceStatus;
}

export interface EventRow {
  id: number;
  titleDe: string;
  titleRu: string;
  descriptionDe: string;
  descriptionRu: string;
  kind: "club";
  startsAt: Date;
  endsAt: Date;
  place: string;
  cancelledAt: Date | null;
  attendanceClosedAt: Date | null;
}

export interface RsvpRow {
  id: number;
  eventId: number;
  personId: number;
  status: RsvpStatus;
  partySize: number;
  checkedInAt: Date | null;
}

export interface WalkInRow {
  id: number;
  eventId: number;
  count: number;
}

export interface CourseHistory {
  courses: CourseRow[];
  sessions: SessionRow[];
  enrollments: EnrollmentRow[];
  attendance: AttendanceRow[];
}

export interface EventHistory {
  events: EventRow[];
  rsvps: RsvpRow[];
  walkIns: WalkInRow[];
}

export interface History {
  seed: number;
  now: Date;
  persons: PersonRow[];
  courses: CourseHistory;
  events: EventHistory;
  /** The nightly closing runs at `now` before the erasures. */
  runClosing: boolean;
  /** People who send /deleteme at `now`. */
  erasedPersonIds: number[];
}

const CATEGORIES: readonly CourseCategory[] = ["language", "vocational", "school_certificate", "other"];
const OUTCOMES: readonly (Outcome | null)[] = [
  "apprenticeship",
  "employment",
  "further_schooling",
  "none_yet",
  null,
  null,
];
const STATUSES: readonly EnrollmentStatus[] = ["active", "active", "completed", "dropped", "withdrawn", "waitlisted"];
const MARKS: readonly AttendanceStatus[] = ["present", "present", "present", "absent", "absent", "excused"];

function randomInstant(random: Random, from: number, to: number): Date {
  return new Date(from + Math.floor(random.next() * (to - from)));
}

/** A moment on a day between the first and the last day, at one of HOURS. */
function randomStart(random: Random, from = FIRST_DAY, to = LAST_DAY - 60 * DAY): number {
  return (
    from +
    random.int(0, Math.floor((to - from) / DAY)) * DAY +
    random.pick(HOURS) * HOUR +
    random.pick([0, 30]) * 60_000
  );
}

function persons(random: Random): PersonRow[] {
  return Array.from({ length: random.int(4, 12) }, (_, index) => ({
    id: index + 1,
    telegramId: BigInt(700_000 + index),
    chatId: BigInt(700_000 + index),
    firstName: `Person ${index + 1}`,
    consentAt: new Date(FIRST_DAY - 30 * DAY),
  }));
}

function courseRun(random: Random, id: number, now: Date, people: readonly PersonRow[], history: CourseHistory): void {
  const first = randomStart(random);
  const count = random.int(1, 6);
  const sessions: SessionRow[] = Array.from({ length: count }, (_, index) => {
    const startsAt = new Date(first + index * 7 * DAY + (random.chance(0.2) ? random.int(-2, 2) * DAY : 0));
    const endsAt = new Date(startsAt.getTime() + 3 * HOUR);
    const cancelled = random.chance(0.15);
    const taken = endsAt < now && (cancelled ? random.chance(0.2) : random.chance(0.85));
    return {
      id: history.sessions.length + index + 1,
      courseId: id,
      startsAt,
      endsAt,
      cancelledAt: cancelled ? new Date(startsAt.getTime() - DAY) : null,
      attendanceTakenAt: taken ? endsAt : null,
    };
  });
  const firstStart = Math.min(...sessions.map((session) => session.startsAt.getTime()));
  const lastEnd = Math.max(...sessions.map((session) => session.endsAt.getTime()));
  history.courses.push({
    id,
    titleDe: `Kurs ${id}`,
    titleRu: `Курс ${id}`,
    descriptionDe: "–",
    descriptionRu: "–",
    category: random.pick(CATEGORIES),
    capacity: 20,
    attendanceThreshold: random.pick([0.5, 0.75]),
    startsOn: new Date(firstStart),
    endsOn: new Date(lastEnd),
    place: "Belm",
  });
  history.sessions.push(...sessions);
  for (const person of random.sample(people, random.int(0, people.length))) {
    const status = random.pick(STATUSES);
    const seated = status !== "waitlisted" && (status !== "withdrawn" || random.chance(0.7));
    const enrolledAt = seated
      ? new Date(random.chance(0.7) ? firstStart - 3 * DAY : randomInstant(random, firstStart, lastEnd).getTime())
      : null;
    const ended = status !== "active" && status !== "waitlisted";
    const enrollment: EnrollmentRow = {
      id: history.enrollments.length + 1,
      courseId: id,
      personId: person.id,
      status,
      requestedAt: new Date(firstStart - 5 * DAY),
      enrolledAt,
      endedAt: ended ? randomInstant(random, firstStart - DAY, lastEnd + 3 * DAY) : null,
      statusSetByHand: (status === "completed" || status === "dropped") && random.chance(0.5),
      fullName: person.firstName,
      outcomeAtLeaving: ended ? random.pick(OUTCOMES) : null,
      outcomeAfter6m: ended ? random.pick(OUTCOMES) : null,
    };
    history.enrollments.push(enrollment);
    if (!seated) continue;
    for (const session of sessions) {
      if (session.attendanceTakenAt === null || random.chance(0.2)) continue;
      history.attendance.push({
        id: history.attendance.length + 1,
        sessionId: session.id,
        enrollmentId: enrollment.id,
        status: random.pick(MARKS),
      });
    }
  }
}

function eventRun(random: Random, id: number, now: Date, people: readonly PersonRow[], history: EventHistory): void {
  const startsAt = new Date(randomStart(random, FIRST_DAY, LAST_DAY));
  const endsAt = new Date(startsAt.getTime() + 2 * HOUR);
  const cancelled = random.chance(0.15);
  history.events.push({
    id,
    titleDe: `Veranstaltung ${id}`,
    titleRu: `Мероприятие ${id}`,
    descriptionDe: "–",
    descriptionRu: "–",
    kind: "club",
    startsAt,
    endsAt,
    place: "Belm",
    cancelledAt: cancelled ? new Date(startsAt.getTime() - DAY) : null,
    attendanceClosedAt: !cancelled && endsAt < now && random.chance(0.5) ? endsAt : null,
  });
  for (const person of random.sample(people, random.int(0, Math.min(6, people.length)))) {
    const status = random.pick<RsvpStatus>(["going", "going", "going", "waitlisted", "cancelled"]);
    const checkedIn = status === "going" && !cancelled && startsAt < now && random.chance(0.5);
    history.rsvps.push({
      id: history.rsvps.length + 1,
      eventId: id,
      personId: person.id,
      status,
      partySize: random.int(1, 4),
      checkedInAt: checkedIn ? startsAt : null,
    });
  }
  for (let index = random.int(0, 2); index > 0; index -= 1) {
    history.walkIns.push({ id: history.walkIns.length + 1, eventId: id, count: random.int(1, 5) });
  }
}

/** The history of one seed. */
export function generateHistory(seed: number): History {
  const random = seededRandom(seed);
  const now = randomInstant(random, Date.UTC(2026, 9, 1), LAST_DAY);
  const people = persons(random);
  const courses: CourseHistory = { courses: [], sessions: [], enrollments: [], attendance: [] };
  for (let id = 1, count = random.int(0, 4); id <= count; id += 1) courseRun(random, id, now, people, courses);
  const events: EventHistory = { events: [], rsvps: [], walkIns: [] };
  for (let id = 1, count = random.int(0, 5); id <= count; id += 1) eventRun(random, id, now, people, events);
  return {
    seed,
    now,
    persons: people,
    courses,
    events,
    runClosing: random.chance(0.5),
    erasedPersonIds: random.sample(people, random.pick([0, 0, 1, 2])).map((person) => person.id),
  };
}

// ───────────────────────────── storing ─────────────────────────────

/**
 * The tables a history fills or its services and tallies write to, children first. A generator
 * piece for another part of the domain adds its tables here.
 */
export const HISTORY_TABLES = [
  "IndicatorTally",
  "Reminder",
  "Attendance",
  "Enrollment",
  "CourseSession",
  "Course",
  "Rsvp",
  "EventWalkIn",
  "Event",
  "Person",
];

/** Empties the history's tables, so one database file serves many histories (the ids are explicit). */
export async function clearAllTables(db: Db): Promise<void> {
  await db.$transaction(HISTORY_TABLES.map((table) => db.$executeRawUnsafe(`DELETE FROM "${table}"`)));
}

/** Stores a history's rows in one transaction, then runs the closing and the erasures through the services. */
export async function storeHistory(db: Db, history: History, timeZone: string): Promise<void> {
  const { courses, events } = history;
  await db.$transaction([
    db.person.createMany({ data: history.persons }),
    db.course.createMany({ data: courses.courses }),
    db.courseSession.createMany({ data: courses.sessions }),
    db.enrollment.createMany({ data: courses.enrollments }),
    db.attendance.createMany({ data: courses.attendance }),
    db.event.createMany({ data: events.events }),
    db.rsvp.createMany({ data: events.rsvps }),
    db.eventWalkIn.createMany({ data: events.walkIns }),
  ]);
  if (history.runClosing) await closeEndedCourses(db, history.now, timeZone);
  for (const personId of history.erasedPersonIds) await erasePersonData(db, personId, history.now);
}
