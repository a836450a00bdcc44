import { stringify } from "csv-stringify/sync";
import type { Db } from "../../db.js";
import type { CourseCategory } from "../../generated/prisma/client.js";
import { assertRole, type Actor } from "../../people/roles.js";
import { shiftPeriod, type Period, type TallyPeriodKind } from "./periods.js";
import { INDICATORS, INDICATOR_NAMES, SCOPE_ALL, type Indicator } from "./tallies.js";

/** A scope of the figures: everything, one course category, or one course. */
export type Scope =
  { kind: "all" } | { kind: "category"; category: CourseCategory } | { kind: "course"; courseId: number };

export function scopeKeyOf(scope: Scope): string {
  if (scope.kind === "category") return `category:${scope.category}`;
  if (scope.kind === "course") return `course:${scope.courseId}`;
  return SCOPE_ALL;
}

/** Indicators that exist for a scope: events and sponsorship are municipality-wide only. */
export function indicatorsFor(scope: Scope): Indicator[] {
  return INDICATOR_NAMES.filter((indicator) => scope.kind === "all" || INDICATORS[indicator].scoped);
}

export interface Figure {
  indicator: Indicator;
  numerator: number;
  denominator: number | null;
  computedAt: Date;
}

/** What a figure reads as: the rate for rates, the count or the days otherwise; null for a rate without data. */
export function figureValue(figure: Pick<Figure, "indicator" | "numerator" | "denominator">): number | null {
  if (INDICATORS[figure.indicator].unit !== "rate") return figure.numerator;
  return figure.denominator ? figure.numerator / figure.denominator : null;
}

function isIndicator(name: string): name is Indicator {
  return name in INDICATORS;
}

/** The stored figures of one period and scope, in the order of INDICATORS. */
export async function loadFigures(db: Db, period: Period & { kind: TallyPeriodKind }, scope: Scope): Promise<Figure[]> {
  const rows = await db.indicatorTally.findMany({
    where: { periodKind: period.kind, periodStart: period.start, scopeKey: scopeKeyOf(scope) },
  });
  const byIndicator = new Map(rows.filter((row) => isIndicator(row.indicator)).map((row) => [row.indicator, row]));
  return indicatorsFor(scope).flatMap((indicator) => {
    const row = byIndicator.get(indicator);
    return row
      ? [{ indicator, numerator: row.numerator, denominator: row.denominator, computedAt: row.computedAt }]
      : [];
  });
}

/** One value per month for each indicator asked for (null where nothing is stored). */
export async function loadMonthlySeries(
  db: Db,
  months: readonly Period[],
  scope: Scope,
  indicators: readonly Indicator[],
): Promise<Map<Indicator, (number | null)[]>> {
  const rows = await db.indicatorTally.findMany({
    where: {
      periodKind: "month",
      scopeKey: scopeKeyOf(scope),
      indicator: { in: [...indicators] },
      periodStart: { in: months.map((month) => month.start) },
    },
  });
  const series = new Map(indicators.map((indicator) => [indicator, months.map((): number | null => null)]));
  for (const row of rows) {
    const index = months.findIndex((month) => month.start.getTime() === row.periodStart.getTime());
    if (isIndicator(row.indicator))
      series.get(row.indicator)?.splice(index, 1, figureValue({ ...row, indicator: row.indicator }));
  }
  return series;
}

export interface TallyLine extends Figure {
  periodKind: TallyPeriodKind;
  periodStart: Date;
}

/** Every stored figure of a scope for periods starting in [from, to), oldest first: the rows of the CSV file. */
export async function loadTallyLines(db: Db, scope: Scope, from: Date, to: Date): Promise<TallyLine[]> {
  const rows = await db.indicatorTally.findMany({
    where: { scopeKey: scopeKeyOf(scope), periodStart: { gte: from, lt: to } },
    orderBy: [{ periodKind: "asc" }, { periodStart: "asc" }],
  });
  const order = (indicator: string) => INDICATOR_NAMES.indexOf(indicator as Indicator);
  return rows
    .filter((row) => isIndicator(row.indicator))
    .sort(
      (a, b) =>
        a.periodKind.localeCompare(b.periodKind) ||
        a.periodStart.getTime() - b.periodStart.getTime() ||
        order(a.indicator) - order(b.indicator),
    )
    .map((row) => ({ ...row, indicator: row.indicator as Indicator }));
}

/** When the figures were last brought up to date, if ever. */
export async function lastComputedAt(db: Db): Promise<Date | undefined> {
  const latest = await db.indicatorTally.aggregate({ _max: { computedAt: true } });
  return latest._max.computedAt ?? undefined;
}

/** Courses that have figures, newest first, for picking a course as the scope. */
export async function coursesWithFigures(
  db: Db,
  skip: number,
  take: number,
): Promise<{ courses: { id: number; titleDe: string; titleRu: string }[]; more: boolean }> {
  const rows = await db.$queryRaw<{ id: number; titleDe: string; titleRu: string }[]>`
    SELECT c."id", c."titleDe", c."titleRu" FROM "Course" c
    WHERE EXISTS (SELECT 1 FROM "IndicatorTally" t WHERE t."scopeKey" = 'course:' || c."id")
    ORDER BY c."startsOn" DESC, c."id" DESC LIMIT ${take + 1} OFFSET ${skip}`;
  return { courses: rows.slice(0, take).map((row) => ({ ...row, id: Number(row.id) })), more: rows.length > take };
}

export async function courseTitles(db: Db, courseId: number) {
  return db.course.findUnique({ where: { id: courseId }, select: { titleDe: true, titleRu: true } });
}

// ───────────────────────────── CSV ─────────────────────────────

/** A row of the CSV: a stored tally, or a value entered by hand (with its source). */
export type CsvLine = Omit<TallyLine, "indicator"> &
  ({ indicator: Indicator; source?: undefined } | { indicator: ManualIndicator; source: string });

export interface CsvLabels {
  indicatorName: (indicator: Indicator | ManualIndicator) => string;
  periodName: (line: CsvLine) => string;
  scopeName: string;
  header: readonly string[];
  /** "," in German and Russian; spreadsheet programs in those languages read numbers with it. */
  decimalSeparator: string;
}

function decimal(value: number | null, separator: string): string {
  if (value === null) return "";
  return String(Math.round(value * 10_000) / 10_000).replace(".", separator);
}

/**
 * The tallies as a CSV file with one row per figure: numerator and denominator are given, so
 * anyone can recompute the rate. Semicolons separate the columns, as German and Russian
 * spreadsheet programs expect when the comma is the decimal separator. Values entered by hand
 * (offences) carry their source in the last column.
 */
export function tallyCsv(lines: readonly CsvLine[], labels: CsvLabels): Buffer {
  const records = lines.map((line) => [
    line.indicator,
    labels.indicatorName(line.indicator),
    line.periodKind,
    labels.periodName(line),
    labels.scopeName,
    decimal(line.numerator, labels.decimalSeparator),
    decimal(line.denominator, labels.decimalSeparator),
    decimal(line.source === undefined ? figureValue(line) : line.numerator, labels.decimalSeparator),
    line.computedAt.toISOString(),
    line.source ?? "",
  ]);
  // The byte order mark tells spreadsheet programs that the file is UTF-8 (otherwise Cyrillic and umlauts break).
  return Buffer.from(
    stringify([labels.header, ...records], { bom: true, delimiter: ";", record_delimiter: "windows" }),
    "utf8",
  );
}

// ───────────────────────────── manual values ─────────────────────────────

/** Figures from outside the bot, entered by managers per quarter (DESIGN "Offences"). */
export const MANUAL_INDICATORS = ["offences"] as const;
export type ManualIndicator = (typeof MANUAL_INDICATORS)[number];

export interface ManualValueInput {
  indicator: ManualIndicator;
  quarter: Period & { kind: "quarter" };
  value: number;
  source: string;
}

export interface ManualValue {
  value: number;
  source: string;
}

async function manualValue(db: Db, indicator: ManualIndicator, quarter: Period): Promise<ManualValue | undefined> {
  const row = await db.manualIndicatorValue.findUnique({
    where: { indicator_periodKind_periodStart: { indicator, periodKind: "quarter", periodStart: quarter.start } },
  });
  return row ? { value: row.value, source: row.source } : undefined;
}

/** The value stored for a quarter, to show before it is overwritten. */
export async function currentManualValue(
  db: Db,
  actor: Actor,
  indicator: ManualIndicator,
  quarter: Period,
): Promise<ManualValue | undefined> {
  assertRole(actor, "manager");
  return manualValue(db, indicator, quarter);
}

/** Stores (or replaces) a quarter's value with its source. */
export async function saveManualValue(db: Db, actor: Actor, input: ManualValueInput): Promise<void> {
  assertRole(actor, "manager");
  const key = { indicator: input.indicator, periodKind: "quarter" as const, periodStart: input.quarter.start };
  const data = { value: input.value, source: input.source, enteredById: actor.id || null };
  await db.manualIndicatorValue.upsert({
    where: { indicator_periodKind_periodStart: key },
    create: { ...key, ...data },
    update: data,
  });
}

/** The values entered by hand for quarters starting in [from, to), as CSV rows (computed_at = when entered). */
export async function manualCsvLines(db: Db, from: Date, to: Date): Promise<CsvLine[]> {
  const rows = await db.manualIndicatorValue.findMany({
    where: { indicator: { in: [...MANUAL_INDICATORS] }, periodKind: "quarter", periodStart: { gte: from, lt: to } },
    orderBy: [{ periodStart: "asc" }, { indicator: "asc" }],
  });
  return rows.map((row) => ({
    indicator: row.indicator as ManualIndicator,
    source: row.source,
    periodKind: "quarter",
    periodStart: row.periodStart,
    numerator: row.value,
    denominator: null,
    computedAt: row.createdAt,
  }));
}

export interface ManualComparison {
  current?: ManualValue;
  yearBefore?: ManualValue;
}

/** A quarter's value beside the same quarter a year earlier (DESIGN: offences are compared that way). */
export async function manualValueWithYearBefore(
  db: Db,
  indicator: ManualIndicator,
  quarter: Period,
  timeZone: string,
): Promise<ManualComparison> {
  const [current, yearBefore] = await Promise.all([
    manualValue(db, indicator, quarter),
    manualValue(db, indicator, shiftPeriod(quarter, -4, timeZone)),
  ]);
  return { current, yearBefore };
}
