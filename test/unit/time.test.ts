import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../src/i18n.js";
import { addMonths, startOfDay, utcToWallClock, wallClockToUtc } from "../../src/time.js";

const BERLIN = "Europe/Berlin";

describe("Berlin wall clock", () => {
  it.each([
    ["winter", { year: 2026, month: 1, day: 15, hour: 18, minute: 0 }, "2026-01-15T17:00:00.000Z"],
    ["summer", { year: 2026, month: 7, day: 15, hour: 18, minute: 0 }, "2026-07-15T16:00:00.000Z"],
    ["the day clocks go forward", { year: 2026, month: 3, day: 29, hour: 18, minute: 0 }, "2026-03-29T16:00:00.000Z"],
    ["the day clocks go back", { year: 2026, month: 10, day: 25, hour: 18, minute: 0 }, "2026-10-25T17:00:00.000Z"],
    ["just before the spring gap", { year: 2026, month: 3, day: 29, hour: 1, minute: 59 }, "2026-03-29T00:59:00.000Z"],
  ])("converts %s", (_name, wall, utc) => {
    expect(wallClockToUtc(wall, BERLIN).toISOString()).toBe(utc);
    expect(utcToWallClock(new Date(utc), BERLIN)).toEqual(wall);
  });

  it("maps a time skipped in spring to the hour after", () => {
    const skipped = wallClockToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, BERLIN);
    expect(utcToWallClock(skipped, BERLIN)).toMatchObject({ hour: 3, minute: 30 });
  });

  it("formats for each language in Berlin time", () => {
    const instant = new Date("2026-03-29T16:00:00Z");
    expect(formatDateTime(instant, "de", BERLIN)).toBe("So., 29. März um 18:00");
    expect(formatDateTime(instant, "ru", BERLIN)).toBe("вс, 29 марта в 18:00");
  });
});

describe("calendar arithmetic", () => {
  it.each([
    [{ year: 2026, month: 3, day: 15 }, 6, { year: 2026, month: 9, day: 15 }],
    [{ year: 2026, month: 8, day: 31 }, 6, { year: 2027, month: 2, day: 28 }],
    [{ year: 2027, month: 8, day: 31 }, 6, { year: 2028, month: 2, day: 29 }],
    [{ year: 2026, month: 12, day: 31 }, 6, { year: 2027, month: 6, day: 30 }],
  ])("adds months to %o", (day, months, expected) => {
    expect(addMonths(day, months)).toEqual(expected);
  });

  it("finds the start of a Berlin day, also on the day the clocks go back", () => {
    expect(startOfDay(new Date("2026-10-25T20:00:00Z"), BERLIN).toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(startOfDay(new Date("2026-10-25T23:30:00Z"), BERLIN).toISOString()).toBe("2026-10-25T23:00:00.000Z");
  });
});
