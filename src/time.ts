/** The current time. Services take a clock instead of calling `new Date()` so tests can drive time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per locale and options, built once and kept: building an Intl formatter costs
 * far more than formatting with it, and one screen formats many dates.
 */
export function cachedFormatter<F, O>(
  cache: Map<string, F>,
  locale: string,
  options: O,
  build: (locale: string, options: O) => F,
): F {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key);
  if (!formatter) {
    formatter = build(locale, options);
    cache.set(key, formatter);
  }
  return formatter;
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cachedFormatter(dateTimeFormats, locale, options, (tag, settings) => new Intl.DateTimeFormat(tag, settings));
}

/** The offset of `timeZone` from UTC at `instant`, in minutes (e.g. +60 or +120 for Berlin). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = dateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    field("year"),
    field("month") - 1,
    field("day"),
    field("hour"),
    field("minute"),
    field("second"),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * The UTC instant at which the clocks in `timeZone` show `wall`. Two passes settle the offset
 * when `wall` lies near a daylight-saving change; a wall time skipped in spring maps to the
 * instant one hour later on the clock (03:30 for 02:30 in Berlin).
 */
export function wallClockToUtc(wall: WallClock, timeZone: string): Date {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const firstGuess = naive - zoneOffsetMinutes(new Date(naive), timeZone) * 60_000;
  return new Date(naive - zoneOffsetMinutes(new Date(firstGuess), timeZone) * 60_000);
}

/** The wall-clock reading of `instant` in `timeZone`. */
export function utcToWallClock(instant: Date, timeZone: string): WallClock {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

export interface CalendarDay {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/** 1 = Monday … 7 = Sunday (ISO 8601). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export function addDays(day: CalendarDay, days: number): CalendarDay {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** The same day `months` later; the month's last day when that month is shorter (31 August + 6 → 28 February). */
export function addMonths(day: CalendarDay, months: number): CalendarDay {
  const first = new Date(Date.UTC(day.year, day.month - 1 + months, 1));
  const daysInMonth = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(day.day, daysInMonth) };
}

/** `instant` moved by whole calendar months (UTC), the day clamped as by {@link addMonths}, the time kept. */
export function shiftMonths(instant: Date, months: number): Date {
  const day = addMonths(
    { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() },
    months,
  );
  const shifted = new Date(instant);
  shifted.setUTCFullYear(day.year, day.month - 1, day.day);
  return shifted;
}

export function isoWeekdayOf(day: CalendarDay): IsoWeekday {
  return (new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay() || 7) as IsoWeekday;
}

export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day);
}

/** The calendar day `instant` falls on in `timeZone`. */
export function calendarDayOf(instant: Date, timeZone: string): CalendarDay {
  const { year, month, day } = utcToWallClock(instant, timeZone);
  return { year, month, day };
}

/** "HH:MM" on the clock, 00:00–23:59. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" from "9:00" or "09:00"; undefined if it is no time of day. */
export function parseClockTime(text: string): string | undefined {
  const padded = text.trim().padStart(5, "0");
  return CLOCK_TIME.test(padded) ? padded : undefined;
}

/** The instant at which the clocks in `timeZone` show `time` ("HH:MM") on `day`. */
export function clockTimeOn(day: CalendarDay, time: string, timeZone: string): Date {
  const match = CLOCK_TIME.exec(time);
  if (!match) throw new Error(`not a clock time: "${time}"`);
  return wallClockToUtc({ ...day, hour: Number(match[1]), minute: Number(match[2]) }, timeZone);
}

/** The instant the day begins in `timeZone` (midnight on its clocks). */
export function startOfDay(instant: Date, timeZone: string): Date {
  return clockTimeOn(calendarDayOf(instant, timeZone), "00:00", timeZone);
}

/** "2026-11-25" → CalendarDay, or undefined when it is no real date. */
/** The day written as YYYY-MM-DD, the inverse of parseIsoDay. */
export function formatIsoDay(day: CalendarDay): string {
  return [day.year, day.month, day.day].map((part, index) => String(part).padStart(index === 0 ? 4 : 2, "0")).join("-");
}

export function parseIsoDay(text: string): CalendarDay | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const day = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const normalized = addDays(day, 0); // Date.UTC rolls 31 February over into March
  return normalized.month === day.month && normalized.day === day.day ? day : undefined;
}

/** A day as written in Germany ("24.12.2026") or as ISO ("2026-12-24"); undefined if no real date. */
export function parseLocalDay(text: string): CalendarDay | undefined {
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
  return parseIsoDay(german ? `${german[3]}-${german[2]?.padStart(2, "0")}-${german[1]?.padStart(2, "0")}` : text);
}

/** Waits for `promise` at most `ms`; true when it settled in time (a rejection counts as settled). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
