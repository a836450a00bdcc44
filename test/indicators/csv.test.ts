import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { tallyCsv, type TallyLine } from "../../src/features/indicators/service.js";

const line = (overrides: Partial<TallyLine>): TallyLine => ({
  indicator: "attendance_rate",
  numerator: 55,
  denominator: 82,
  periodKind: "month",
  periodStart: new Date("2026-09-30T22:00:00Z"),
  computedAt: new Date("2026-11-25T01:00:00Z"),
  ...overrides,
});

const labels = {
  indicatorName: (indicator: string) => `Name of ${indicator}`,
  periodName: () => "Oktober 2026",
  scopeName: 'Kurs „Deutsch; B1" – Немецкий',
  header: [
    "indicator",
    "Kennzahl",
    "period_kind",
    "Zeitraum",
    "Bereich",
    "numerator",
    "denominator",
    "value",
    "computed_at",
    "Quelle",
  ],
  decimalSeparator: ",",
};

describe("the tally CSV", () => {
  it("starts with a byte order mark, quotes what needs quoting and gives numerator, denominator and value", () => {
    const csv = tallyCsv(
      [
        line({}),
        line({ indicator: "median_days_to_match", numerator: 11.5, denominator: 2 }),
        line({ indicator: "event_participants", numerator: 14, denominator: null }),
      ],
      labels,
    );
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(csv, { bom: true, delimiter: ";" });
    expect(rows[0]).toEqual(labels.header);
    expect(rows[1]).toEqual([
      "attendance_rate",
      "Name of attendance_rate",
      "month",
      "Oktober 2026",
      labels.scopeName,
      "55",
      "82",
      "0,6707",
      "2026-11-25T01:00:00.000Z",
      "",
    ]);
    expect(rows[2]?.slice(5, 8)).toEqual(["11,5", "2", "11,5"]);
    expect(rows[3]?.slice(5, 8)).toEqual(["14", "", "14"]);
    expect(csv.toString("utf8")).toContain("\r\n");
  });

  it("carries the offences entered by hand with their value and source", () => {
    const offences = {
      ...line({ periodKind: "quarter", numerator: 12, denominator: null }),
      indicator: "offences" as const,
      source: "PKS; Polizei Osnabrück",
    };
    const rows: string[][] = parse(tallyCsv([offences], labels), { bom: true, delimiter: ";" });
    expect(rows[1]).toEqual([
      "offences",
      "Name of offences",
      "quarter",
      "Oktober 2026",
      labels.scopeName,
      "12",
      "",
      "12",
      "2026-11-25T01:00:00.000Z",
      "PKS; Polizei Osnabrück",
    ]);
  });
});
