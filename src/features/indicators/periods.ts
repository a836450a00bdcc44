import { addDays, addMonths, calendarDayOf, clockTimeOn, isoWeekdayOf, type CalendarDay } from "../../time.js";

/** Tallies are kept per month and quarter; the weekly digest also looks at weeks. */
export type TallyPeriodKind = "month" | "quarter";
export type PeriodKind = TallyPeriodKind | "week";

/** A stretch of local (Europe/Berlin) calendar days, as UTC instants: `start` inclusive, `end` exclusive. */
export interface Period {
  kind: PeriodKind;
  first: CalendarDay;
  start: Date;
  end: Date;
}

const MONTHS_PER: Record<TallyPeriodKind, number> = { month: 1, quarter: 3 };

function midnight(day: CalendarDay, timeZone: string): Date {
  return clockTimeOn(day, "00:00", timeZone);
}

function firstDayOf(kind: PeriodKind, day: CalendarDay): CalendarDay {
  if (kind === "week") return addDays(day, 1 - isoWeekdayOf(day));
  const month = kind === "quarter" ? day.month - ((day.month - 1) % 3) : day.month;
  return { year: day.year, month, day: 1 };
}

function nextFirstDay(kind: PeriodKind, first: CalendarDay): CalendarDay {
  return kind === "week" ? addDays(first, 7) : addMonths(first, MONTHS_PER[kind]);
}

function periodFrom(kind: PeriodKind, first: CalendarDay, timeZone: string): Period {
  return { kind, first, start: midnight(first, timeZone), end: midnight(nextFirstDay(kind, first), timeZone) };
}

/** The period of `kind` that `instant` falls in, on the clocks of `timeZone`. */
export function periodContaining(kind: PeriodKind, instant: Date, timeZone: string): Period {
  return periodFrom(kind, firstDayOf(kind, calendarDayOf(instant, timeZone)), timeZone);
}

/** The period `steps` periods after (or, negative, before) `period`. */
export function shiftPeriod(period: Period, steps: number, timeZone: string): Period {
  const first =
    period.kind === "week"
      ? addDays(period.first, 7 * steps)
      : addMonths(period.first, MONTHS_PER[period.kind] * steps);
  return periodFrom(period.kind, first, timeZone);
}

/** The periods of `kind` from the one holding `from` to the one holding `to`, oldest first. */
export function periodsBetween(kind: PeriodKind, from: Date, to: Date, timeZone: string): Period[] {
  const periods: Period[] = [];
  for (
    let period = periodContaining(kind, from, timeZone);
    period.start <= to;
    period = shiftPeriod(period, 1, timeZone)
  ) {
    periods.push(period);
  }
  return periods;
}

/** The `count` periods of `kind` ending with the one holding `instant`, oldest first. */
export function lastPeriods(kind: PeriodKind, instant: Date, count: number, timeZone: string): Period[] {
  const latest = periodContaining(kind, instant, timeZone);
  return Array.from({ length: count }, (_, index) => shiftPeriod(latest, index - count + 1, timeZone));
}

/** "2026-03" for a month, "2026-Q1" for a quarter, "2026-03-02" (its Monday) for a week. */
export function periodKey(period: Period): string {
  const { year, month, day } = period.first;
  const mm = String(month).padStart(2, "0");
  if (period.kind === "quarter") return `${year}-Q${(month + 2) / 3}`;
  if (period.kind === "month") return `${year}-${mm}`;
  return `${year}-${mm}-${String(day).padStart(2, "0")}`;
}

/** The inverse of periodKey for months and quarters; undefined for anything else. */
export function parsePeriodKey(key: string, timeZone: string): Period | undefined {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter)
    return periodFrom("quarter", { year: Number(quarter[1]), month: Number(quarter[2]) * 3 - 2, day: 1 }, timeZone);
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (month) return periodFrom("month", { year: Number(month[1]), month: Number(month[2]), day: 1 }, timeZone);
  return undefined;
}
