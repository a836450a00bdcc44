import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  BAR_COLOR,
  CHART_HEIGHT,
  CHART_WIDTH,
  type IndicatorChart,
  LINE_COLORS,
  renderIndicatorChart,
} from "../../src/features/indicators/chart.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The title sits above the legend, well inside the top rows. */
const TITLE_ROWS = 50;
/** Left of the plot: the count axis's label and its tick labels, nothing else. */
const COUNT_LABEL_COLUMNS = 30;
/** Taller than the legend's bar swatch, so only real bars count. */
const MIN_BAR_HEIGHT = 20;

const GERMAN_MONTHS = [
  "Dez 25",
  "Jan 26",
  "Feb 26",
  "Mär 26",
  "Apr 26",
  "Mai 26",
  "Jun 26",
  "Jul 26",
  "Aug 26",
  "Sep 26",
  "Okt 26",
  "Nov 26",
];
const RUSSIAN_MONTHS = [
  "дек 25",
  "янв 26",
  "фев 26",
  "мар 26",
  "апр 26",
  "май 26",
  "июн 26",
  "июл 26",
  "авг 26",
  "сен 26",
  "окт 26",
  "ноя 26",
];
const PARTICIPANTS = [34, 41, 29, 58, 63, 47, 22, 25, 39, 71, 88, 64];

function germanChart(participants: number[] = PARTICIPANTS): IndicatorChart {
  return {
    title: "Kennzahlen Dezember 2025 – November 2026",
    monthLabels: GERMAN_MONTHS,
    bars: { label: "Teilnehmende an Veranstaltungen", values: participants },
    lines: [
      {
        label: "Anwesenheitsquote Kurse",
        values: [0.82, 0.79, 0.85, null, 0.74, 0.8, 0.77, null, null, 0.83, 0.86, 0.9],
      },
      { label: "Erscheinungsquote", values: [0.6, 0.55, null, 0.7, 0.66, 0.71, 0.5, 0.45, 0.62, 0.68, 0.73, 0.69] },
      {
        label: "Vermittlungsquote Patenschaften",
        values: [0.2, 0.25, 0.3, 0.28, 0.35, 0.4, 0.38, 0.42, 0.45, 0.5, 0.48, 0.55],
      },
    ],
    axisLabels: { count: "Teilnehmende", rate: "Quote" },
  };
}

function russianChart(title: string): IndicatorChart {
  return {
    title,
    monthLabels: RUSSIAN_MONTHS,
    bars: { label: "Участники мероприятий", values: PARTICIPANTS },
    lines: [{ label: "Посещаемость курсов", values: PARTICIPANTS.map((count) => count / 100) }],
    axisLabels: { count: "Участники", rate: "Доля" },
  };
}

interface ColumnRun {
  start: number;
  end: number;
  center: number;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, offset) => from + offset);
}

async function renderDecoded(chart: IndicatorChart): Promise<PNG> {
  return PNG.sync.read(await renderIndicatorChart(chart));
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16)) as [number, number, number];
}

function hasColor(image: PNG, x: number, y: number, hex: string): boolean {
  const index = (y * image.width + x) * 4;
  const [red, green, blue] = rgb(hex);
  return image.data[index] === red && image.data[index + 1] === green && image.data[index + 2] === blue;
}

function isWhite(image: PNG, x: number, y: number): boolean {
  return hasColor(image, x, y, "#ffffff");
}

function colorCountInColumn(image: PNG, x: number, hex: string, rows = { from: 0, to: image.height }): number {
  let count = 0;
  for (let y = rows.from; y < rows.to; y++) if (hasColor(image, x, y, hex)) count++;
  return count;
}

/** Column ranges that hold a bar, left to right. */
function barRuns(image: PNG): ColumnRun[] {
  const runs: ColumnRun[] = [];
  let start: number | null = null;
  for (let x = 0; x <= image.width; x++) {
    const isBar = x < image.width && colorCountInColumn(image, x, BAR_COLOR) >= MIN_BAR_HEIGHT;
    if (isBar && start === null) start = x;
    if (!isBar && start !== null) {
      runs.push({ start, end: x - 1, center: Math.round((start + x - 1) / 2) });
      start = null;
    }
  }
  return runs;
}

function barRows(image: PNG, x: number): { from: number; to: number } {
  const rows = range(0, image.height).filter((y) => hasColor(image, x, y, BAR_COLOR));
  return { from: Math.min(...rows), to: Math.max(...rows) + 1 };
}

function nonWhitePixelsInRows(image: PNG, rows: number): number {
  let count = 0;
  for (let y = 0; y < rows; y++) for (let x = 0; x < image.width; x++) if (!isWhite(image, x, y)) count++;
  return count;
}

/** How many separate lines of text (groups of rows with ink) the columns left of `columns` hold. */
function textLinesLeftOf(image: PNG, columns: number): number {
  let lines = 0;
  let inLine = false;
  for (let y = 0; y < image.height; y++) {
    const hasInk = range(0, columns).some((x) => !isWhite(image, x, y));
    if (hasInk && !inLine) lines++;
    inLine = hasInk;
  }
  return lines;
}

function rowsDiffer(first: PNG, second: PNG, rows: number): boolean {
  return !first.data.subarray(0, rows * first.width * 4).equals(second.data.subarray(0, rows * second.width * 4));
}

describe("renderIndicatorChart", () => {
  it("encodes the German chart as a PNG of the chart's size", async () => {
    const png = await renderIndicatorChart(germanChart());
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect([CHART_WIDTH, CHART_HEIGHT]).toEqual([1000, 600]);
  });

  it("draws a bar for each month with participants and none for a month without", async () => {
    const everyMonth = barRuns(await renderDecoded(germanChart()));
    expect(everyMonth).toHaveLength(12);
    const gaps = everyMonth.slice(1).map((run, index) => run.center - (everyMonth[index]?.center ?? 0));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(2);

    const withEmptyMonths = PARTICIPANTS.map((count, index) => (index === 2 || index === 7 ? 0 : count));
    const image = await renderDecoded(germanChart(withEmptyMonths));
    everyMonth.forEach((run, index) => {
      const barPixels = colorCountInColumn(image, run.center, BAR_COLOR);
      if (withEmptyMonths[index] === 0) expect(barPixels, `month ${index}`).toBe(0);
      else expect(barPixels, `month ${index}`).toBeGreaterThanOrEqual(MIN_BAR_HEIGHT);
    });
    expect(barRuns(image)).toHaveLength(10);
  });

  it("draws taller bars for larger counts", async () => {
    const image = await renderDecoded(germanChart());
    const heights = barRuns(image).map((run) => colorCountInColumn(image, run.center, BAR_COLOR));
    expect(heights[10]).toBeGreaterThan(heights[9] ?? Infinity);
    expect(heights[6]).toBeLessThan(heights[0] ?? 0);
  });

  it("puts the title at the top", async () => {
    const withTitle = await renderDecoded(germanChart());
    const withoutTitle = await renderDecoded({ ...germanChart(), title: "" });
    expect(nonWhitePixelsInRows(withTitle, TITLE_ROWS)).toBeGreaterThan(500);
    expect(nonWhitePixelsInRows(withoutTitle, TITLE_ROWS)).toBe(0);
  });

  it("renders Cyrillic titles as distinct letters, not as missing-glyph boxes", async () => {
    // Two words of the same length: drawn as boxes they would look exactly alike.
    const indicators = await renderDecoded(russianChart("Показатели"));
    const statistics = await renderDecoded(russianChart("Статистика"));
    expect([indicators.width, indicators.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(nonWhitePixelsInRows(indicators, TITLE_ROWS)).toBeGreaterThan(300);
    expect(rowsDiffer(indicators, statistics, TITLE_ROWS)).toBe(true);
  });

  it("leaves a gap in a rate line where a month has no rate", async () => {
    const barsToTheTop = PARTICIPANTS.map(() => 5);
    const steady = { label: "Quote", values: barsToTheTop.map((): number | null => 0.5) };
    const gapped = { label: "Quote", values: steady.values.map((rate, index) => (index === 6 ? null : rate)) };
    const solid = await renderDecoded({ ...germanChart(barsToTheTop), lines: [steady] });
    const broken = await renderDecoded({ ...germanChart(barsToTheTop), lines: [gapped] });
    const slots = barRuns(solid);
    const plotRows = barRows(solid, slots[0]?.center ?? 0);
    const columns = range((slots[5]?.center ?? 0) + 8, (slots[7]?.center ?? 0) - 8);
    expect(columns.length).toBeGreaterThan(50);

    const lineColor = LINE_COLORS[0] ?? "";
    const withLine = (image: PNG) => columns.filter((x) => colorCountInColumn(image, x, lineColor, plotRows) > 0);
    expect(withLine(solid)).toHaveLength(columns.length);
    expect(withLine(broken)).toHaveLength(0);
  });

  it("renders months without participants or rates", async () => {
    const months = GERMAN_MONTHS.length;
    const png = await renderIndicatorChart({
      ...germanChart(Array.from({ length: months }, () => 0)),
      lines: [{ label: "Quote", values: Array.from({ length: months }, () => null) }],
    });
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(barRuns(image)).toHaveLength(0);
    expect(textLinesLeftOf(image, COUNT_LABEL_COLUMNS), "axis label and ticks 0 to 5").toBe(7);
  });

  it("renders a single month as one bar in the middle", async () => {
    const image = await renderDecoded({
      ...germanChart([7]),
      monthLabels: ["Nov 26"],
      lines: [{ label: "Quote", values: [0.5] }],
    });
    const bars = barRuns(image);
    expect(bars).toHaveLength(1);
    expect(Math.abs((bars[0]?.center ?? 0) - CHART_WIDTH / 2)).toBeLessThan(50);
    expect(textLinesLeftOf(image, COUNT_LABEL_COLUMNS), "axis label and ticks 0 to 8").toBe(6);
  });

  it("refuses series that do not match the months", async () => {
    await expect(renderIndicatorChart(germanChart([1, 2, 3]))).rejects.toThrow(RangeError);
    await expect(renderIndicatorChart({ ...germanChart([]), monthLabels: [], lines: [] })).rejects.toThrow(RangeError);
  });
});
