import {
  addDays,
  clockTimeOn,
  compareDays,
  isoWeekdayOf,
  parseClockTime,
  parseLocalDay,
  type CalendarDay,
  type IsoWeekday,
} from "../../time.js";

/** A weekly meeting, e.g. Mondays 09:00–12:00 on the office's clock. */
export interface WeeklySlot {
  weekday: IsoWeekday;
  /** "HH:MM" */
  from: string;
  /** "HH:MM", later than `from` on the same day */
  to: string;
}

export interface TimeSpan {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Every meeting of the weekly `slots` from `first` to `last` (both included), at the same clock
 * time in `timeZone` all year; across a daylight-saving change the UTC time shifts by an hour.
 */
export function weeklySessions(
  first: CalendarDay,
  last: CalendarDay,
  slots: readonly WeeklySlot[],
  timeZone: string,
): TimeSpan[] {
  const sessions: TimeSpan[] = [];
  for (let day = first; compareDays(day, last) <= 0; day = addDays(day, 1)) {
    for (const slot of slots) {
      if (slot.weekday !== isoWeekdayOf(day)) continue;
      sessions.push({ startsAt: clockTimeOn(day, slot.from, timeZone), endsAt: clockTimeOn(day, slot.to, timeZone) });
    }
  }
  return sessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

const WEEKDAY_NAMES: Record<string, IsoWeekday> = {
  mo: 1,
  di: 2,
  mi: 3,
  do: 4,
  fr: 5,
  sa: 6,
  so: 7,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
  пн: 1,
  вт: 2,
  ср: 3,
  чт: 4,
  пт: 5,
  сб: 6,
  вс: 7,
  нд: 7,
  "1": 1,
  "2": 2,
  "3": 3,
  "4": 4,
  "5": 5,
  "6": 6,
  "7": 7,
};

/** A weekday written as Mo–So, Mon–Sun, Пн–Вс (Ukrainian Нд for Sunday) or 1–7 (Monday = 1); undefined if unknown. */
export function parseWeekday(text: string): IsoWeekday | undefined {
  return WEEKDAY_NAMES[text.trim().toLowerCase().replace(/\.$/, "")];
}

const SLOT = /^(\S+)\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/;

/**
 * Parses a weekly schedule such as "Mo 09:00-12:00; Mi 09:00-12:00". Returns the slots, or the
 * part that could not be read.
 */
export function parseWeeklySchedule(text: string): { slots: WeeklySlot[] } | { invalidPart: string } {
  const parts = text
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
  const slots: WeeklySlot[] = [];
  for (const part of parts) {
    const match = SLOT.exec(part);
    const weekday = match ? parseWeekday(match[1] ?? "") : undefined;
    const from = match ? parseClockTime(match[2] ?? "") : undefined;
    const to = match ? parseClockTime(match[3] ?? "") : undefined;
    if (!weekday || !from || !to || to <= from) return { invalidPart: part };
    slots.push({ weekday, from, to });
  }
  return slots.length > 0 ? { slots } : { invalidPart: text.trim() };
}

/** A new time for one session: a day, a start and, if given, an end ("HH:MM"). */
export interface SessionTime {
  day: CalendarDay;
  from: string;
  to?: string;
}

const SESSION_TIME = /^(\S+)\s+(\d{1,2}:\d{2})(?:\s*[-–]\s*(\d{1,2}:\d{2}))?$/;

/** Reads "24.12.2026 09:00-12:00" or "24.12.2026 09:00" (also 2026-12-24); undefined if unreadable or the end is not after the start. */
export function parseSessionTime(text: string): SessionTime | undefined {
  const match = SESSION_TIME.exec(text.trim());
  if (!match) return undefined;
  const day = parseLocalDay(match[1] ?? "");
  const from = parseClockTime(match[2] ?? "");
  const to = match[3] === undefined ? undefined : parseClockTime(match[3]);
  if (!day || !from || (match[3] !== undefined && (!to || to <= from))) return undefined;
  return to ? { day, from, to } : { day, from };
}

/** The instants of a session time in `timeZone`; without an end the session keeps `durationMs`. */
export function sessionSpan(time: SessionTime, durationMs: number, timeZone: string): TimeSpan {
  const startsAt = clockTimeOn(time.day, time.from, timeZone);
  const endsAt = time.to ? clockTimeOn(time.day, time.to, timeZone) : new Date(startsAt.getTime() + durationMs);
  return { startsAt, endsAt };
}
