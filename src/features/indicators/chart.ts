import { createRequire } from "node:module";
import { PassThrough } from "node:stream";
import { buffer } from "node:stream/consumers";
import { type Bitmap, type Context, encodePNGToStream, make, registerFont } from "pureimage";

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
const SUPERSAMPLING = 2;
const FONT_FAMILY = "DejaVuSans";
const TEXT_COLOR = "#222222";
const MUTED_TEXT_COLOR = "#555555";
const GRID_COLOR = "#e4e4e4";
const AXIS_COLOR = "#7a7a7a";

const MARGIN = 20;
const TITLE_SIZE = 22;
const LEGEND_SIZE = 14;
const LEGEND_ROW_HEIGHT = 22;
const LEGEND_SWATCH_WIDTH = 24;
const AXIS_TEXT_SIZE = 12;
const MONTH_TEXT_SIZE = 12;
const MIN_TEXT_SIZE = 9;
const BAR_VALUE_SIZE = 11;
const TICK_LENGTH = 5;
const MAX_BAR_WIDTH = 60;
const LINE_WIDTH = 2.5;
const MARKER_RADIUS = 4;

const MIN_COUNT_AXIS_TOP = 5;
const COUNT_TICK_TARGET = 5;
const RATE_TICKS = [0, 0.25, 0.5, 0.75, 1];

interface TextStyle {
  size: number;
  color?: string;
  align?: "left" | "center" | "right";
  baseline?: "top" | "middle" | "alphabetic" | "bottom";
}

interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface Point {
  x: number;
  y: number;
}

interface CountScale {
  step: number;
  top: number;
}

interface LegendItem {
  label: string;
  color: string;
  kind: "bar" | "line";
}

let fontLoading: Promise<void> | undefined;

/**
 * Loads DejaVu Sans once per process. It uses the synchronous loader on purpose: pureimage's
 * asynchronous one throws inside a file-system callback on a bad font file, which would crash the
 * process instead of rejecting.
 */
function loadFont(): Promise<void> {
  fontLoading ??= Promise.resolve()
    .then(() => {
      const fontPath = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
      registerFont(fontPath, FONT_FAMILY).loadSync();
    })
    .catch((error: unknown) => {
      fontLoading = undefined;
      throw error;
    });
  return fontLoading;
}

/** Draws the managers' chart: monthly counts as bars and rates as lines, returned as a PNG. */
export async function renderIndicatorChart(chart: IndicatorChart): Promise<Buffer> {
  assertConsistent(chart);
  await loadFont();
  const canvas = whiteBitmap(CHART_WIDTH * SUPERSAMPLING, CHART_HEIGHT * SUPERSAMPLING);
  const painter = new Painter(canvas.getContext("2d"), SUPERSAMPLING);

  const legendTop = drawTitle(painter, chart.title);
  const legendBottom = drawLegend(painter, legendItems(chart), legendTop);
  const counts = chart.bars.values.map(sanitizeCount);
  const scale = countScale(Math.max(...counts));
  const plot = plotArea(painter, scale, legendBottom);

  drawCountGrid(painter, plot, scale);
  drawBars(painter, plot, scale, counts);
  drawAxes(painter, plot);
  drawCountTicks(painter, plot, scale);
  drawRateTicks(painter, plot);
  drawAxisLabels(painter, plot, chart.axisLabels);
  chart.lines.forEach((line, index) => drawRateLine(painter, plot, line.values.map(sanitizeRate), lineColor(index)));
  drawMonthLabels(painter, plot, chart.monthLabels);
  return encodePng(downsample(canvas, SUPERSAMPLING));
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

function sanitizeCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function sanitizeRate(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return Math.min(1, Math.max(0, value));
}

function lineColor(index: number): string {
  return LINE_COLORS[index % LINE_COLORS.length] ?? TEXT_COLOR;
}

function legendItems(chart: IndicatorChart): LegendItem[] {
  return [
    { label: chart.bars.label, color: BAR_COLOR, kind: "bar" },
    ...chart.lines.map((line, index): LegendItem => ({ label: line.label, color: lineColor(index), kind: "line" })),
  ];
}

/** A count axis from 0 with a round step (1, 2 or 5 times a power of ten) and room for the largest count. */
function countScale(maxCount: number): CountScale {
  const wanted = Math.max(maxCount, MIN_COUNT_AXIS_TOP);
  const step = niceStep(wanted / COUNT_TICK_TARGET);
  return { step, top: Math.ceil(wanted / step) * step };
}

function niceStep(rawStep: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const step = [1, 2, 5].map((factor) => factor * magnitude).find((candidate) => candidate >= rawStep);
  return Math.max(1, step ?? 10 * magnitude);
}

function countTicks(scale: CountScale): number[] {
  return Array.from({ length: Math.round(scale.top / scale.step) + 1 }, (_, index) => index * scale.step);
}

function plotArea(painter: Painter, scale: CountScale, contentTop: number): PlotArea {
  const countTickWidth = Math.max(...countTicks(scale).map((tick) => painter.textWidth(String(tick), AXIS_TEXT_SIZE)));
  const rateTickWidth = Math.max(...RATE_TICKS.map((tick) => painter.textWidth(formatRate(tick), AXIS_TEXT_SIZE)));
  const axisLabelRow = AXIS_TEXT_SIZE + 14;
  const monthLabelRow = MONTH_TEXT_SIZE + 22;
  return {
    left: Math.round(MARGIN + countTickWidth + TICK_LENGTH + 6),
    right: Math.round(CHART_WIDTH - MARGIN - rateTickWidth - TICK_LENGTH - 6),
    top: Math.round(contentTop + axisLabelRow),
    bottom: Math.round(CHART_HEIGHT - MARGIN - monthLabelRow),
  };
}

function slotWidth(plot: PlotArea, months: number): number {
  return (plot.right - plot.left) / months;
}

function slotCenterX(plot: PlotArea, months: number, index: number): number {
  return plot.left + (index + 0.5) * slotWidth(plot, months);
}

function countY(plot: PlotArea, scale: CountScale, count: number): number {
  return plot.bottom - (count / scale.top) * (plot.bottom - plot.top);
}

function rateY(plot: PlotArea, rate: number): number {
  return plot.bottom - rate * (plot.bottom - plot.top);
}

function formatRate(rate: number): string {
  return `${Math.round(rate * 100)} %`;
}

/** Returns the y where the content below the title may start. */
function drawTitle(painter: Painter, title: string): number {
  const size = fittingTextSize(painter, [title], CHART_WIDTH - 2 * MARGIN, TITLE_SIZE);
  painter.text(title, CHART_WIDTH / 2, MARGIN, { size, align: "center", baseline: "top" });
  return MARGIN + size + 14;
}

/** Lays the legend out in centred rows and returns the y below its last row. */
function drawLegend(painter: Painter, items: LegendItem[], top: number): number {
  const rows = legendRows(painter, items, CHART_WIDTH - 2 * MARGIN);
  rows.forEach((row, rowIndex) => {
    const rowWidth = row.reduce((sum, item) => sum + legendItemWidth(painter, item), 0);
    let x = (CHART_WIDTH - rowWidth) / 2;
    const y = top + rowIndex * LEGEND_ROW_HEIGHT + LEGEND_ROW_HEIGHT / 2;
    for (const item of row) {
      drawLegendSwatch(painter, item, x, y);
      painter.text(item.label, x + LEGEND_SWATCH_WIDTH + 6, y, { size: LEGEND_SIZE, baseline: "middle" });
      x += legendItemWidth(painter, item);
    }
  });
  return top + rows.length * LEGEND_ROW_HEIGHT;
}

function legendRows(painter: Painter, items: LegendItem[], maxWidth: number): LegendItem[][] {
  const rows: LegendItem[][] = [];
  let rowWidth = 0;
  for (const item of items) {
    const width = legendItemWidth(painter, item);
    const current = rows.at(-1);
    if (current && rowWidth + width <= maxWidth) {
      current.push(item);
      rowWidth += width;
    } else {
      rows.push([item]);
      rowWidth = width;
    }
  }
  return rows;
}

function legendItemWidth(painter: Painter, item: LegendItem): number {
  return LEGEND_SWATCH_WIDTH + 6 + painter.textWidth(item.label, LEGEND_SIZE) + 28;
}

function drawLegendSwatch(painter: Painter, item: LegendItem, x: number, centerY: number): void {
  if (item.kind === "bar") {
    painter.rect(x + 4, centerY - 7, LEGEND_SWATCH_WIDTH - 8, 14, item.color);
    return;
  }
  painter.segment({ x, y: centerY }, { x: x + LEGEND_SWATCH_WIDTH, y: centerY }, item.color);
  painter.circle(x + LEGEND_SWATCH_WIDTH / 2, centerY, MARKER_RADIUS, item.color);
}

function drawCountGrid(painter: Painter, plot: PlotArea, scale: CountScale): void {
  for (const tick of countTicks(scale).slice(1)) {
    painter.rect(plot.left, Math.round(countY(plot, scale, tick)), plot.right - plot.left, 1, GRID_COLOR);
  }
}

function drawBars(painter: Painter, plot: PlotArea, scale: CountScale, counts: number[]): void {
  const slot = slotWidth(plot, counts.length);
  const width = Math.max(1, Math.round(Math.min(MAX_BAR_WIDTH, slot * 0.6)));
  counts.forEach((count, index) => {
    if (count === 0) return;
    const centerX = slotCenterX(plot, counts.length, index);
    const top = Math.round(countY(plot, scale, count));
    painter.rect(Math.round(centerX - width / 2), top, width, plot.bottom - top, BAR_COLOR);
    drawBarValue(painter, String(count), centerX, top, slot);
  });
}

function drawBarValue(painter: Painter, text: string, centerX: number, barTop: number, room: number): void {
  if (painter.textWidth(text, BAR_VALUE_SIZE) > room - 4) return;
  painter.text(text, centerX, barTop - 4, { size: BAR_VALUE_SIZE, color: MUTED_TEXT_COLOR, align: "center" });
}

function drawAxes(painter: Painter, plot: PlotArea): void {
  const height = plot.bottom - plot.top;
  painter.rect(plot.left, plot.top, 1, height + 1, AXIS_COLOR);
  painter.rect(plot.right, plot.top, 1, height + 1, AXIS_COLOR);
  painter.rect(plot.left, plot.bottom, plot.right - plot.left + 1, 1, AXIS_COLOR);
}

function drawCountTicks(painter: Painter, plot: PlotArea, scale: CountScale): void {
  for (const tick of countTicks(scale)) {
    const y = Math.round(countY(plot, scale, tick));
    painter.rect(plot.left - TICK_LENGTH, y, TICK_LENGTH, 1, AXIS_COLOR);
    painter.text(String(tick), plot.left - TICK_LENGTH - 4, y, {
      size: AXIS_TEXT_SIZE,
      align: "right",
      baseline: "middle",
    });
  }
}

function drawRateTicks(painter: Painter, plot: PlotArea): void {
  for (const tick of RATE_TICKS) {
    const y = Math.round(rateY(plot, tick));
    painter.rect(plot.right + 1, y, TICK_LENGTH, 1, AXIS_COLOR);
    painter.text(formatRate(tick), plot.right + TICK_LENGTH + 5, y, { size: AXIS_TEXT_SIZE, baseline: "middle" });
  }
}

function drawAxisLabels(painter: Painter, plot: PlotArea, labels: IndicatorChart["axisLabels"]): void {
  const y = plot.top - 12;
  painter.text(labels.count, MARGIN, y, { size: AXIS_TEXT_SIZE, color: MUTED_TEXT_COLOR });
  painter.text(labels.rate, CHART_WIDTH - MARGIN, y, { size: AXIS_TEXT_SIZE, color: MUTED_TEXT_COLOR, align: "right" });
}

/** Connects neighbouring months that both have a rate, so a month without data leaves a gap. */
function drawRateLine(painter: Painter, plot: PlotArea, rates: (number | null)[], color: string): void {
  const points = rates.map((rate, index) =>
    rate === null ? null : { x: slotCenterX(plot, rates.length, index), y: rateY(plot, rate) },
  );
  points.forEach((point, index) => {
    const next = points[index + 1];
    if (point && next) painter.segment(point, next, color);
  });
  for (const point of points) {
    if (point) painter.circle(point.x, point.y, MARKER_RADIUS, color);
  }
}

function drawMonthLabels(painter: Painter, plot: PlotArea, labels: string[]): void {
  const room = slotWidth(plot, labels.length) - 4;
  const size = fittingTextSize(painter, labels, room, MONTH_TEXT_SIZE);
  const widest = Math.max(...labels.map((label) => painter.textWidth(label, size)));
  const stride = Math.max(1, Math.ceil(widest / room));
  labels.forEach((label, index) => {
    if (index % stride !== 0) return;
    const x = slotCenterX(plot, labels.length, index);
    painter.rect(Math.round(x), plot.bottom + 1, 1, TICK_LENGTH - 1, AXIS_COLOR);
    painter.text(label, x, plot.bottom + TICK_LENGTH + 4, { size, align: "center", baseline: "top" });
  });
}

/** The largest size up to `preferred` at which every text fits `maxWidth`, but never below a readable minimum. */
function fittingTextSize(painter: Painter, texts: string[], maxWidth: number, preferred: number): number {
  for (let size = preferred; size > MIN_TEXT_SIZE; size--) {
    if (texts.every((text) => painter.textWidth(text, size) <= maxWidth)) return size;
  }
  return MIN_TEXT_SIZE;
}

function whiteBitmap(width: number, height: number): Bitmap {
  const bitmap = make(width, height);
  bitmap.data.fill(255);
  return bitmap;
}

/**
 * Draws in chart coordinates on a bitmap `scale` times as large. pureimage fills shapes with one
 * sample per pixel row, so a glyph stroke thinner than a pixel (the bar of a small "н") can vanish;
 * drawing larger and averaging afterwards keeps it. Rectangles stay on whole pixels, which also keeps
 * them on pureimage's fast path.
 */
class Painter {
  constructor(
    private readonly ctx: Context,
    private readonly scale: number,
  ) {}

  rect(x: number, y: number, width: number, height: number, color: string): void {
    const s = this.scale;
    this.ctx.fillStyle = color;
    this.ctx.fillRect(Math.round(x * s), Math.round(y * s), Math.round(width * s), Math.round(height * s));
  }

  circle(x: number, y: number, radius: number, color: string): void {
    const s = this.scale;
    this.ctx.fillStyle = color;
    this.ctx.beginPath();
    this.ctx.arc(x * s, y * s, radius * s, 0, Math.PI * 2);
    this.ctx.fill();
  }

  segment(from: Point, to: Point, color: string): void {
    const s = this.scale;
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = LINE_WIDTH * s;
    this.ctx.beginPath();
    this.ctx.moveTo(from.x * s, from.y * s);
    this.ctx.lineTo(to.x * s, to.y * s);
    this.ctx.stroke();
  }

  text(text: string, x: number, y: number, style: TextStyle): void {
    this.ctx.font = `${style.size * this.scale}px ${FONT_FAMILY}`;
    this.ctx.fillStyle = style.color ?? TEXT_COLOR;
    this.ctx.textAlign = style.align ?? "left";
    this.ctx.textBaseline = style.baseline ?? "alphabetic";
    this.ctx.fillText(text, x * this.scale, y * this.scale);
  }

  textWidth(text: string, size: number): number {
    this.ctx.font = `${size}px ${FONT_FAMILY}`;
    return this.ctx.measureText(text).width;
  }
}

/** Averages each factor × factor block of pixels into one. */
function downsample(source: Bitmap, factor: number): Bitmap {
  const target = make(source.width / factor, source.height / factor);
  for (let y = 0; y < target.height; y++) {
    for (let x = 0; x < target.width; x++) {
      const pixel = (y * target.width + x) * 4;
      for (let channel = 0; channel < 4; channel++) {
        target.data[pixel + channel] = blockAverage(source, x * factor, y * factor, factor, channel);
      }
    }
  }
  return target;
}

function blockAverage(source: Bitmap, left: number, top: number, size: number, channel: number): number {
  let sum = 0;
  for (let y = top; y < top + size; y++) {
    for (let x = left; x < left + size; x++) {
      sum += source.data[(y * source.width + x) * 4 + channel] ?? 0;
    }
  }
  return Math.round(sum / (size * size));
}

async function encodePng(bitmap: Bitmap): Promise<Buffer> {
  const sink = new PassThrough();
  const [png] = await Promise.all([buffer(sink), encodePNGToStream(bitmap, sink)]);
  return png;
}
