import type { TopLevelSpec } from "vega-lite";
import { FONT_FAMILY, FONT_FILE, measureVegaTextWithChartFont, textWidth } from "./chart-font.js";

/** Everything the indicator chart shows; all texts arrive already in the reader's language. */
export interface IndicatorChart {
  title: string;
  /** One label per month, oldest first (1–24 months). */
  monthLabels: string[];
  /** Counts per month on the left axis, e.g. event participants. */
  bars: { label: string; values: number[] };
  /** Rates 0..1 per month on the right axis (0–100 %); null where a month has no data. */
  lines: { label: string; values: (number | null)[] }[];
  axisLabels: { count: string; rate: string };
}

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 600;
export const BAR_COLOR = "#8db8e0";
export const LINE_COLORS = ["#d1495b", "#2a9d55", "#e08a00", "#6a4c93", "#00798c", "#8c564b"];

const MAX_MONTHS = 24;
const MARGIN = 20;
const TITLE_SIZE = 22;
const MIN_TITLE_SIZE = 9;
const LEGEND_SIZE = 14;
const LEGEND_SYMBOL_SIZE = 200;
const LEGEND_COLUMN_PADDING = 24;
const MIN_COUNT_AXIS_TOP = 5;
const COUNT_TICK_TARGET = 5;
const RATE_TICKS = [0, 0.25, 0.5, 0.75, 1];
const MAX_BAR_WIDTH = 60;
const LINE_WIDTH = 2.5;
/** A symbol path in Vega's unit square: a horizontal stroke with a dot in its middle, as the lines look. */
const LINE_SYMBOL = "M-1,0H1M-0.3,0A0.3,0.3,0,1,0,0.3,0A0.3,0.3,0,1,0,-0.3,0Z";
const TEXT_COLOR = "#222222";
const MUTED_TEXT_COLOR = "#555555";
const GRID_COLOR = "#e4e4e4";
const AXIS_COLOR = "#7a7a7a";

/** Draws the managers' chart: monthly counts as bars and rates as lines, returned as a PNG. */
export async function renderIndicatorChart(chart: IndicatorChart): Promise<Buffer> {
  assertConsistent(chart);
  // Loaded on the first chart, not when the bot starts: the three together take most of a second.
  const [{ Resvg }, vega, { compile }] = await Promise.all([
    import("@resvg/resvg-js"),
    import("vega"),
    import("vega-lite"),
  ]);
  measureVegaTextWithChartFont(vega);
  // Vega-Lite's types leave out the legend layout, so the centred legend is set on the Vega side.
  const spec = vega.parse(compile(chartSpec(chart)).spec, { legend: { layout: { top: { anchor: "middle" } } } });
  const view = new vega.View(spec, { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const font = { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY };
  return new Resvg(svg, { fitTo: { mode: "original" }, font }).render().asPng();
}

function assertConsistent(chart: IndicatorChart): void {
  const months = chart.monthLabels.length;
  if (months < 1 || months > MAX_MONTHS) {
    throw new RangeError(`The indicator chart shows 1 to ${MAX_MONTHS} months, got ${months}.`);
  }
  const series = [chart.bars, ...chart.lines];
  const mismatched = series.find((entry) => entry.values.length !== months);
  if (mismatched) {
    throw new RangeError(`"${mismatched.label}" has ${mismatched.values.length} values for ${months} months.`);
  }
}

/**
 * Bars for the counts on the left axis with their values on top, one line per rate on the right
 * axis (a month without a rate leaves a gap), one legend for both above the plot.
 */
function chartSpec(chart: IndicatorChart): TopLevelSpec {
  const series = [chart.bars.label, ...chart.lines.map((line) => line.label)];
  const counts = chart.monthLabels.map((month, index) => ({
    month,
    series: chart.bars.label,
    count: countOf(chart.bars.values[index]),
  }));
  const countTicks = countAxisTicks(Math.max(...counts.map((entry) => entry.count)));
  const rates = chart.lines.flatMap((line, order) =>
    chart.monthLabels.map((month, index) => ({ month, series: line.label, order, rate: rateOf(line.values[index]) })),
  );
  // Both axis titles stand level above the plot's top corners, as they read in a legend.
  const sideTitle = { titleAngle: 0, titleAnchor: "end", titleBaseline: "bottom", titleY: -12, grid: false } as const;
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: "fit", contains: "padding" },
    padding: MARGIN,
    background: "white",
    title: {
      // An empty title still takes its row, so that legend and plot stay where they are.
      text: chart.title || " ",
      fontSize: titleSize(chart.title),
      fontWeight: "normal",
      color: TEXT_COLOR,
      limit: 0,
      offset: 12,
    },
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      axis: { domainColor: AXIS_COLOR, tickColor: AXIS_COLOR, labelColor: TEXT_COLOR, labelFontSize: 12 },
      axisY: { titleFontSize: 12, titleFontWeight: "normal", titleColor: MUTED_TEXT_COLOR, gridColor: GRID_COLOR },
    },
    encoding: {
      x: {
        field: "month",
        type: "ordinal",
        scale: { domain: chart.monthLabels },
        axis: { title: null, labelAngle: 0, labelOverlap: "parity", labelSeparation: 6 },
      },
      color: {
        field: "series",
        scale: { domain: series, range: [BAR_COLOR, ...LINE_COLORS] },
        legend: {
          title: null,
          orient: "top",
          direction: "horizontal",
          columns: legendColumns(series),
          offset: 34,
          labelLimit: 0,
          labelFontSize: LEGEND_SIZE,
          labelColor: TEXT_COLOR,
          columnPadding: LEGEND_COLUMN_PADDING,
          symbolSize: LEGEND_SYMBOL_SIZE,
          symbolStrokeWidth: LINE_WIDTH,
          // One height for every entry, so that squares and strokes line up.
          clipHeight: 20,
          // The bars' entry is a square, each line's a stroke with a dot.
          encoding: {
            symbols: {
              shape: { condition: { test: "datum.index === 0", value: "square" }, value: LINE_SYMBOL },
              opacity: { value: 1 },
            },
          },
        },
      },
    },
    layer: [
      {
        data: { values: counts },
        transform: [{ filter: "datum.count > 0" }],
        encoding: {
          y: {
            field: "count",
            type: "quantitative",
            scale: { domain: [0, countTicks.at(-1) ?? MIN_COUNT_AXIS_TOP] },
            axis: {
              ...sideTitle,
              title: chart.axisLabels.count,
              titleAlign: "left",
              values: countTicks,
              format: "d",
              grid: true,
            },
          },
        },
        layer: [
          { mark: { type: "bar", width: { expr: `min(${MAX_BAR_WIDTH}, 0.6 * bandwidth('x'))` } } },
          {
            mark: { type: "text", baseline: "bottom", dy: -4, fontSize: 11 },
            encoding: { text: { field: "count", type: "quantitative" }, color: { value: MUTED_TEXT_COLOR } },
          },
        ],
      },
      {
        data: { values: rates },
        mark: { type: "line", strokeWidth: LINE_WIDTH, point: { size: 60, filled: true } },
        encoding: {
          y: {
            field: "rate",
            type: "quantitative",
            scale: { domain: [0, 1] },
            axis: {
              ...sideTitle,
              title: chart.axisLabels.rate,
              orient: "right",
              titleAlign: "right",
              values: RATE_TICKS,
              labelExpr: "round(datum.value * 100) + ' %'",
            },
          },
          detail: { field: "order" },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
}

/** The title's size: as preferred when it fits the width, smaller when it does not, but never unreadable. */
function titleSize(title: string): number {
  const width = textWidth(title, TITLE_SIZE);
  const fitting = width > 0 ? Math.floor((TITLE_SIZE * (CHART_WIDTH - 2 * MARGIN)) / width) : TITLE_SIZE;
  return Math.max(MIN_TITLE_SIZE, Math.min(TITLE_SIZE, fitting));
}

/** As many legend entries side by side as fit the width: long labels wrap into rows instead of leaving the picture. */
function legendColumns(labels: string[]): number {
  const symbolWidth = Math.sqrt(LEGEND_SYMBOL_SIZE) + LINE_WIDTH + 5;
  const entryWidths = labels.map((label) => symbolWidth + textWidth(label, LEGEND_SIZE) + LEGEND_COLUMN_PADDING);
  for (let columns = labels.length; columns > 1; columns--) {
    const columnWidths = Array.from({ length: columns }, (_, column) =>
      Math.max(...entryWidths.filter((_, index) => index % columns === column)),
    );
    if (columnWidths.reduce((sum, width) => sum + width, 0) <= CHART_WIDTH - 2 * MARGIN) return columns;
  }
  return 1;
}

function countOf(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

function rateOf(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.min(1, Math.max(0, value));
}

/** Ticks from 0 in a round step (1, 2 or 5 times a power of ten) up to room for the largest count. */
function countAxisTicks(maxCount: number): number[] {
  const wanted = Math.max(maxCount, MIN_COUNT_AXIS_TOP);
  const rawStep = wanted / COUNT_TICK_TARGET;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const steps = [1, 2, 5, 10].map((factor) => factor * magnitude);
  const step = Math.max(1, steps.find((candidate) => candidate >= rawStep) ?? 1);
  return Array.from({ length: Math.ceil(wanted / step) + 1 }, (_, index) => index * step);
}
