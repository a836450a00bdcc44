import { addDays, calendarDayOf, clockTimeOn, compareDays, isoWeekdayOf, type CalendarDay } from "../time.js";
import type { DemoFiles } from "./files.js";

/** The demo always lives in Belm's time zone, whatever the bot is configured with. */
export const BERLIN = "Europe/Berlin";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where the demo stands in time. The files are written for the week of their anchor Monday; every
 * date moves by whole weeks to the week of `now`, so weekdays stay and the demo always looks
 * current. The same `now` gives the same demo.
 */
export class DemoCalendar {
  readonly monday: CalendarDay;
  private readonly shiftDays: number;
  private readonly closingDays: ReadonlySet<string>;

  constructor(
    readonly now: Date,
    file: DemoFiles["calendar"],
  ) {
    const today = calendarDayOf(now, BERLIN);
    this.monday = addDays(today, 1 - isoWeekdayOf(today));
    this.shiftDays = Math.round((utcMidnight(this.monday) - utcMidnight(file.anchorMonday)) / DAY_MS);
    this.closingDays = new Set(file.closingDays);
  }

  /** A day of the files moved to the current week's frame. */
  shift(day: CalendarDay): CalendarDay {
    return addDays(day, this.shiftDays);
  }

  isClosingDay(day: CalendarDay): boolean {
    return this.closingDays.has(`${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`);
  }

  isClosedAt(instant: Date): boolean {
    return this.isClosingDay(calendarDayOf(instant, BERLIN));
  }

  /** The day, or the same weekday a week further away from the current week until the office is open. */
  firstOpenWeekday(day: CalendarDay): CalendarDay {
    const step = compareDays(day, this.monday) < 0 ? -7 : 7;
    let open = day;
    while (this.isClosingDay(open)) open = addDays(open, step);
    return open;
  }

  daysAgo(days: number): Date {
    return daysBefore(this.now, days);
  }
}

function utcMidnight(day: CalendarDay): number {
  return Date.UTC(day.year, day.month - 1, day.day);
}

export function daysBefore(instant: Date, days: number): Date {
  return new Date(instant.getTime() - days * DAY_MS);
}

export function minutesAfter(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * 60_000);
}

/** The nightly job closes ended courses at 01:30 Berlin time. */
export function nightlyClosingAfter(lastEnd: Date): Date {
  return clockTimeOn(addDays(calendarDayOf(lastEnd, BERLIN), 1), "01:30", BERLIN);
}
