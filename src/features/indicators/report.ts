import type { Db } from "../../db.js";
import {
  formatMonth,
  formatNumber,
  formatPercent,
  formatStamp,
  localized,
  translator,
  type Language,
  type Translate,
} from "../../i18n.js";
import { renderIndicatorChart, type IndicatorChart } from "./chart.js";
import { lastPeriods, periodContaining, periodKey, type Period, type TallyPeriodKind } from "./periods.js";
import {
  courseTitles,
  figureValue,
  indicatorsFor,
  loadFigures,
  loadMonthlySeries,
  loadTallyLines,
  manualCsvLines,
  manualValueWithYearBefore,
  MANUAL_INDICATORS,
  tallyCsv,
  type CsvLine,
  type Figure,
  type ManualComparison,
  type Scope,
} from "./service.js";
import { INDICATOR_GROUPS, INDICATORS, type Indicator } from "./tallies.js";

export type TallyPeriod = Period & { kind: TallyPeriodKind };

export interface ReportContext {
  db: Db;
  timeZone: string;
  language: Language;
  now: Date;
}

export interface IndicatorReport {
  summary: string;
  chart: Buffer;
  csv: Buffer;
  /** Without extension: ".png" and ".csv" are added. */
  fileName: string;
}

/** Months shown in the chart: the twelve up to the end of the chosen period (or up to now). */
const CHART_MONTHS = 12;
/** Rates drawn as lines; the bars are the participants (of events overall, of courses within a course scope). */
const CHART_RATES: readonly Indicator[] = ["attendance_rate", "completion_rate", "placement_rate"];

export function periodName(period: Period, language: Language, timeZone: string): string {
  if (period.kind === "quarter")
    return translator(language)("indicators.quarter_name", {
      quarter: (period.first.month + 2) / 3,
      year: period.first.year,
    });
  return formatMonth(period.start, language, timeZone, "long");
}

export async function scopeName(db: Db, scope: Scope, t: Translate, language: Language): Promise<string> {
  if (scope.kind === "all") return t("indicators.scope_all");
  if (scope.kind === "category") return t(`courses.category.${scope.category}`);
  const course = await courseTitles(db, scope.courseId);
  return course ? localized(course, "title", language) : t("indicators.scope_course_gone");
}

/** "67,1 % (55 / 82)" for rates, "14" for counts, "11,5 (2)" for the median. */
export function formatFigure(
  figure: Pick<Figure, "indicator" | "numerator" | "denominator">,
  t: Translate,
  language: Language,
): string {
  const unit = INDICATORS[figure.indicator].unit;
  const value = figureValue(figure);
  if (unit === "count") return formatNumber(figure.numerator, language);
  if (unit === "days")
    return t("indicators.days_value", {
      days: formatNumber(figure.numerator, language),
      count: figure.denominator ?? 0,
    });
  if (value === null) return t("indicators.no_data");
  return t("indicators.rate_value", {
    rate: formatPercent(value, language),
    numerator: formatNumber(figure.numerator, language),
    denominator: formatNumber(figure.denominator ?? 0, language),
  });
}

function figureLines(
  figures: readonly Figure[],
  indicators: readonly Indicator[],
  t: Translate,
  language: Language,
): string[] {
  const lines: string[] = [];
  for (const group of INDICATOR_GROUPS) {
    const inGroup = indicators.filter((indicator) => INDICATORS[indicator].group === group);
    if (inGroup.length === 0) continue;
    lines.push("", t(`indicators.group.${group}`));
    for (const indicator of inGroup) {
      const figure = figures.find((candidate) => candidate.indicator === indicator);
      lines.push(
        `• ${t(`indicators.name.${indicator}`)}: ${figure ? formatFigure(figure, t, language) : t("indicators.no_data")}`,
      );
    }
  }
  return lines;
}

function offenceLines(comparison: ManualComparison, quarterName: string, t: Translate, language: Language): string[] {
  const { current, yearBefore } = comparison;
  if (!current)
    return ["", t("indicators.group.offences"), `• ${t("indicators.offences_missing", { quarter: quarterName })}`];
  const change = yearBefore && yearBefore.value > 0 ? (current.value - yearBefore.value) / yearBefore.value : undefined;
  const compared = yearBefore
    ? t("indicators.offences_year_before", {
        value: formatNumber(yearBefore.value, language),
        change: change === undefined ? "–" : signed(formatPercent(change, language), change),
      })
    : t("indicators.offences_no_year_before");
  return [
    "",
    t("indicators.group.offences"),
    `• ${t("indicators.offences_line", { quarter: quarterName, value: formatNumber(current.value, language), compared, source: current.source })}`,
  ];
}

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

async function summaryText(
  context: ReportContext,
  period: TallyPeriod,
  scope: Scope,
  scopeLabel: string,
  t: Translate,
): Promise<string> {
  const { db, timeZone, language } = context;
  const figures = await loadFigures(db, period, scope);
  const indicators = indicatorsFor(scope);
  const computedAt = figures.reduce<Date | undefined>(
    (latest, figure) => (!latest || figure.computedAt > latest ? figure.computedAt : latest),
    undefined,
  );
  const lines = [
    t("indicators.summary_title", { period: periodName(period, language, timeZone), scope: scopeLabel }),
    computedAt
      ? t("indicators.computed_at", { at: formatStamp(computedAt, language, timeZone) })
      : t("indicators.not_computed"),
    ...figureLines(figures, indicators, t, language),
  ];
  if (scope.kind === "all") {
    const quarter = period.kind === "quarter" ? period : periodContaining("quarter", period.start, timeZone);
    for (const indicator of MANUAL_INDICATORS) {
      lines.push(
        ...offenceLines(
          await manualValueWithYearBefore(db, indicator, quarter, timeZone),
          periodName(quarter, language, timeZone),
          t,
          language,
        ),
      );
    }
  }
  lines.push("", t("indicators.definitions_hint"));
  return lines.join("\n");
}

async function chartPicture(
  context: ReportContext,
  months: readonly Period[],
  scope: Scope,
  scopeLabel: string,
  t: Translate,
): Promise<Buffer> {
  const { db, timeZone, language } = context;
  const participants: Indicator = scope.kind === "all" ? "event_participants" : "course_participants";
  const series = await loadMonthlySeries(db, months, scope, [participants, ...CHART_RATES]);
  const first = months[0];
  const last = months.at(-1);
  const chart: IndicatorChart = {
    title: t("indicators.chart_title", {
      scope: scopeLabel,
      from: first ? formatMonth(first.start, language, timeZone, "long") : "",
      to: last ? formatMonth(last.start, language, timeZone, "long") : "",
    }),
    monthLabels: months.map((month) => formatMonth(month.start, language, timeZone, "short")),
    bars: {
      label: t(`indicators.name.${participants}`),
      values: (series.get(participants) ?? []).map((value) => value ?? 0),
    },
    lines: CHART_RATES.map((indicator) => ({
      label: t(`indicators.name.${indicator}`),
      values: series.get(indicator) ?? [],
    })),
    axisLabels: { count: t("indicators.axis_count"), rate: t("indicators.axis_rate") },
  };
  return renderIndicatorChart(chart);
}

function csvFile(lines: readonly CsvLine[], scopeLabel: string, context: ReportContext, t: Translate): Buffer {
  return tallyCsv(lines, {
    indicatorName: (indicator) =>
      indicator === "offences" ? t("indicators.group.offences") : t(`indicators.name.${indicator}`),
    periodName: (line) =>
      periodName(
        periodContaining(line.periodKind, line.periodStart, context.timeZone),
        context.language,
        context.timeZone,
      ),
    scopeName: scopeLabel,
    header: [
      "indicator",
      t("indicators.csv.name"),
      "period_kind",
      t("indicators.csv.period"),
      t("indicators.csv.scope"),
      "numerator",
      "denominator",
      "value",
      "computed_at",
      t("indicators.csv.source"),
    ],
    decimalSeparator: ",",
  });
}

/**
 * The answer to /indicators: a chart of the twelve months up to the chosen period, the chosen
 * period's figures with numerator and denominator, and the CSV of every stored figure of the scope
 * in those months (and the quarters they belong to); for everything, the offences entered for
 * those quarters come last.
 */
export async function buildReport(context: ReportContext, period: TallyPeriod, scope: Scope): Promise<IndicatorReport> {
  const t = translator(context.language);
  const scopeLabel = await scopeName(context.db, scope, t, context.language);
  // A quarter still running ends its chart with the current month, not with empty months ahead.
  const lastDay = new Date(Math.min(period.end.getTime() - 1, context.now.getTime()));
  const months = lastPeriods("month", lastDay, CHART_MONTHS, context.timeZone);
  const from = periodContaining("quarter", months[0]?.start ?? period.start, context.timeZone).start;
  const lines: CsvLine[] = await loadTallyLines(context.db, scope, from, period.end);
  if (scope.kind === "all") lines.push(...(await manualCsvLines(context.db, from, period.end)));
  return {
    summary: await summaryText(context, period, scope, scopeLabel, t),
    chart: await chartPicture(context, months, scope, scopeLabel, t),
    csv: csvFile(lines, scopeLabel, context, t),
    fileName: `${t("indicators.csv.file_prefix")}-${periodKey(period)}`,
  };
}

/** The period keys offered to pick from: the last six months or the last four quarters, newest first. */
export function recentPeriods(kind: TallyPeriodKind, now: Date, timeZone: string): TallyPeriod[] {
  const count = kind === "month" ? 6 : 4;
  return lastPeriods(kind, now, count, timeZone).reverse() as TallyPeriod[];
}
