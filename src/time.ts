/** The current time. Services take a clock instead of calling `new Date()` so tests can drive time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The offset of `timeZone` from UTC at `instant`, in minutes (e.g. +60 or +120 for Berlin). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(field("year"), field("month") - 1, field("day"), field("hour"), field("minute"), field("second"));
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
