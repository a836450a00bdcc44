import type { Db } from "../../db.js";
import { formatDate, type Language, type Translate } from "../../i18n.js";
import { periodContaining, shiftPeriod, type Period } from "./periods.js";
import { formatFigure } from "./report.js";
import { computeFigures, type Indicator, type TallyRow } from "./tallies.js";

/** The figures managers read on Monday morning; the rest is one /indicators away. */
export const DIGEST_INDICATORS: readonly Indicator[] = [
  "event_participants",
  "event_persons_distinct",
  "course_participants",
  "attendance_rate",
  "completion_rate",
  "placement_rate",
  "active_sponsorships",
  "open_requests",
  "median_days_to_match",
];

export interface DigestComparison {
  current: Period;
  previous: Period;
  figures: readonly TallyRow[];
}

export interface Digest {
  week: DigestComparison;
  month: DigestComparison;
}

/** Last week against the week before, last month against the month before — computed live, office-wide. */
export async function computeDigest(db: Db, now: Date, timeZone: string): Promise<Digest> {
  const lastWeek = shiftPeriod(periodContaining("week", now, timeZone), -1, timeZone);
  const lastMonth = shiftPeriod(periodContaining("month", now, timeZone), -1, timeZone);
  const periods = [lastWeek, shiftPeriod(lastWeek, -1, timeZone), lastMonth, shiftPeriod(lastMonth, -1, timeZone)];
  const figures = await computeFigures(db, periods, now);
  const comparison = (current: Period, previous: Period): DigestComparison => ({
    current,
    previous,
    figures: figures.filter((row) => row.periodKind === current.kind),
  });
  return { week: comparison(lastWeek, periods[1] ?? lastWeek), month: comparison(lastMonth, periods[3] ?? lastMonth) };
}

function figureIn(comparison: DigestComparison, period: Period, indicator: Indicator): TallyRow | undefined {
  return comparison.figures.find(
    (row) => row.indicator === indicator && row.periodStart.getTime() === period.start.getTime(),
  );
}

function comparisonLines(comparison: DigestComparison, t: Translate, language: Language): string[] {
  return DIGEST_INDICATORS.map((indicator) => {
    const show = (period: Period) => {
      const figure = figureIn(comparison, period, indicator);
      return figure ? formatFigure(figure, t, language) : t("indicators.no_data");
    };
    return t("indicators.digest_line", {
      name: t(`indicators.name.${indicator}`),
      value: show(comparison.current),
      before: show(comparison.previous),
    });
  });
}

/** The digest as one message in the manager's language. */
export function digestText(digest: Digest, t: Translate, language: Language, timeZone: string): string {
  const day = (instant: Date) => formatDate(instant, language, timeZone);
  const lastDay = (period: Period) => day(new Date(period.end.getTime() - 1));
  return [
    t("indicators.digest_title"),
    "",
    t("indicators.digest_week", { from: day(digest.week.current.start), to: lastDay(digest.week.current) }),
    ...comparisonLines(digest.week, t, language),
    "",
    t("indicators.digest_month", { from: day(digest.month.current.start), to: lastDay(digest.month.current) }),
    ...comparisonLines(digest.month, t, language),
    "",
    t("indicators.digest_more"),
  ].join("\n");
}
