import type { Prisma } from "../db.js";
import { addDays, calendarDayOf, clockTimeOn, compareDays, utcToWallClock } from "../time.js";

/**
 * When appointments are reminded of, the same for courses and events: the evening before at
 * 18:00 and two hours before the start, on the office's clock.
 */

const EVENING_REMINDER_TIME = "18:00";
const SOON_REMINDER_LEAD_MS = 2 * 60 * 60_000;
/** An appointment starting before this hour is early: its 2-hour reminder may fall into the quiet hours. */
const EARLY_START_BEFORE_HOUR = 10;
/** Covers the evening reminder of an appointment late on the next day (up to 30 hours ahead, 31 across a clock change). */
export const PLANNING_HORIZON_MS = 36 * 60 * 60_000;

export function eveningBefore(startsAt: Date, timeZone: string): Date {
  return clockTimeOn(addDays(calendarDayOf(startsAt, timeZone), -1), EVENING_REMINDER_TIME, timeZone);
}

export function shortlyBefore(startsAt: Date): Date {
  return new Date(startsAt.getTime() - SOON_REMINDER_LEAD_MS);
}

/** "Tomorrow" is wrong once the appointment's day has begun (the job was down). */
export function dayHasBegun(now: Date, startsAt: Date, timeZone: string): boolean {
  return compareDays(calendarDayOf(now, timeZone), calendarDayOf(startsAt, timeZone)) >= 0;
}

/** The 2-hour reminder of an early appointment is the one allowed into the quiet hours. */
export function startsEarly(startsAt: Date, timeZone: string): boolean {
  return utcToWallClock(startsAt, timeZone).hour < EARLY_START_BEFORE_HOUR;
}

/** People who get reminders of a kind: consenting, reachable, and not switched off. */
export function remindablePeople(switchedOn: "courseReminders" | "eventReminders") {
  return {
    [switchedOn]: true,
    consentAt: { not: null },
    erasedAt: null,
    blockedAt: null,
    chatId: { not: null },
  } satisfies Prisma.PersonWhereInput;
}
