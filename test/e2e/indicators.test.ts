import { parse } from "csv-parse/sync";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { parsePeriodKey } from "../../src/features/indicators/periods.js";
import { sendWeeklyDigest } from "../../src/features/indicators/notifications.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import type { FakeTelegram } from "../support/fake-telegram.js";
import { buildIndicatorFixture, EXPECTED_OCTOBER as expected } from "../support/indicators.js";
import type { TelegramUser } from "../support/user.js";

const MANAGER_ID = 8101;
const ZONE = "Europe/Berlin";
/** The bot's clock; the digest test moves it to a Monday morning. */
let now = new Date("2026-11-25T10:00:00Z");
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
let manager: TelegramUser;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now, adminTelegramIds: [MANAGER_ID] }));
  await buildIndicatorFixture(db);
  manager = fake.user({ id: MANAGER_ID, firstName: "Ирина", lastName: "Штольц", languageCode: "ru" });
  await onboard(manager);
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** Intl puts (narrow) no-break spaces into numbers and percentages; the tests read them as spaces. */
const plain = (text: string | undefined) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

interface CsvRow {
  indicator: string;
  period_kind: string;
  Период: string;
  numerator: string;
  denominator: string;
  value: string;
  Источник: string;
}

describe("/indicators in Russian", () => {
  it("answers with a chart, the figures with numerator and denominator, and a CSV that matches the fixture", async () => {
    manager.send("/indicators");
    const periods = await manager.nextReply();
    expect(periods.text).toBe("Показатели: за какой период?");
    manager.tap("октябрь 2026 г.");
    expect((await manager.nextReply()).text).toBe("Показатели за октябрь 2026 г.: по какому направлению?");
    manager.tap("Все направления");
    expect((await manager.nextReply()).text).toBe("Минутку, готовим отчёт …");

    const chart = await manager.nextReply();
    const png = PNG.sync.read(chart.photo?.bytes ?? Buffer.alloc(0));
    expect(png.width).toBeGreaterThan(600);

    const summary = plain((await manager.nextReply()).text);
    expect(summary).toContain("📊 Показатели: октябрь 2026 г. · Все направления");
    expect(summary).toContain("• Посещаемость: 67,1 % (55 из 82)");
    expect(summary).toContain("• Доля завершивших: 60,0 % (6 из 10)");
    expect(summary).toContain("• Трудоустройство при выходе: 40,0 % (4 из 10)");
    expect(summary).toContain("• Трудоустройство через 6 месяцев: 75,0 % (3 из 4)");
    expect(summary).toContain("• Участники мероприятий: 14");
    expect(summary).toContain("• Записи (человек): 10");
    expect(summary).toContain("• Отметились на месте (человек): 8");
    expect(summary).toContain("• Разные отметившиеся люди: 2");
    expect(summary).toContain("• Ожидание подбора (медиана): 11,5 дн. (n = 2)");
    expect(summary).toContain("За 4-й квартал 2026 значение ещё не внесено");

    const file = await manager.nextReply();
    expect(file.document?.filename).toBe("pokazateli-2026-10.csv");
    const bytes = file.document?.bytes ?? Buffer.alloc(0);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse<CsvRow>(bytes, { bom: true, delimiter: ";", columns: true });
    const october = (indicator: string) =>
      rows.find(
        (row) => row.indicator === indicator && row.period_kind === "month" && row.Период === "октябрь 2026 г.",
      );
    expect(october("attendance_rate")).toMatchObject({
      numerator: String(expected.attendanceAll.numerator),
      denominator: String(expected.attendanceAll.denominator),
    });
    expect(october("completion_rate")).toMatchObject({ numerator: "6", denominator: "10", value: "0,6" });
    expect(october("placement_rate")).toMatchObject({ numerator: "4", denominator: "10" });
    expect(october("event_participants")).toMatchObject({ numerator: "14", denominator: "" });
    expect(october("event_persons_distinct")).toMatchObject({ numerator: "2" });
    expect(october("median_days_to_match")).toMatchObject({ numerator: "11,5", denominator: "2" });
    expect(rows.some((row) => row.period_kind === "quarter")).toBe(true);
  });

  it("shows one course's figures, picked from the list of courses", async () => {
    manager.tap("Другой период или направление");
    expect((await manager.nextReply()).text).toBe("Показатели: за какой период?");
    manager.tap("Показать кварталы");
    expect((await manager.nextReply()).buttons.flat().map((button) => button.text)).toContain("4-й квартал 2026");
    // A second press of the same (now stale) button changes nothing and must not end in an error message.
    await manager.callbackAnswered(manager.tapData("ind:quarters"));
    await manager.expectNoReply();
    manager.tap("4-й квартал 2026");
    await manager.nextReply();
    manager.tap("Отдельный курс …");
    expect((await manager.nextReply()).text).toBe("По какому курсу?");
    manager.tap("Профориентация: уход");
    await manager.nextReply(); // preparing
    await manager.nextReply(); // chart
    const summary = plain((await manager.nextReply()).text);
    expect(summary).toContain("📊 Показатели: 4-й квартал 2026 · Профориентация: уход");
    expect(summary).toContain("• Посещаемость: 67,1 % (53 из 79)");
    expect(summary).not.toContain("Участники мероприятий");
    await manager.nextReply(); // csv
  });

  it("takes the police figure of a quarter, checks it, and compares it with the year before", async () => {
    const yearBefore = parsePeriodKey("2025-Q4", ZONE);
    await db.manualIndicatorValue.create({
      data: {
        indicator: "offences",
        periodKind: "quarter",
        periodStart: yearBefore?.start ?? now,
        value: 15,
        source: "PKS 2025",
      },
    });

    manager.send("/indicators");
    await manager.nextReply();
    manager.tap("✏️ Внести преступления");
    expect((await manager.nextReply()).text).toBe("За какой квартал вы вносите число преступлений?");
    manager.tap("4-й квартал 2026");
    expect((await manager.nextReply()).text).toContain("Сколько преступлений");
    manager.send("двенадцать");
    expect((await manager.nextReply()).text).toBe("Пришлите целое число от 0, например 12.");
    manager.send("12");
    expect((await manager.nextReply()).text).toContain("Откуда это число?");
    manager.send("Полиция Оснабрюк");
    expect((await manager.nextReply()).text).toBe("Преступления, 4-й квартал 2026: 12\nИсточник: Полиция Оснабрюк");
    manager.tap("Сохранить");
    await manager.nextReply(); // the confirm buttons go
    expect((await manager.nextReply()).text).toBe(
      "Сохранено. Значение за 4-й квартал 2026 теперь видно в /indicators.",
    );

    manager.send("/indicators");
    await manager.nextReply();
    manager.tap("октябрь 2026 г.");
    await manager.nextReply();
    manager.tap("Все направления");
    await manager.replies(2); // preparing, chart
    const summary = plain((await manager.nextReply()).text);
    expect(summary).toMatch(
      /4-й квартал 2026: 12 \(тот же квартал год назад: 15, изменение [-−]20,0 %\) – источник: Полиция Оснабрюк/,
    );
    const csv = parse<CsvRow>((await manager.nextReply()).document?.bytes ?? Buffer.alloc(0), {
      bom: true,
      delimiter: ";",
      columns: true,
    });
    const offences = csv.filter((row) => row.indicator === "offences");
    // The file's twelve months reach back into the fourth quarter of 2025: both quarters, with their sources.
    expect(offences).toHaveLength(2);
    expect(offences[0]).toMatchObject({
      period_kind: "quarter",
      Период: "4-й квартал 2025",
      numerator: "15",
      Источник: "PKS 2025",
    });
    expect(offences[1]).toMatchObject({
      period_kind: "quarter",
      Период: "4-й квартал 2026",
      numerator: "12",
      denominator: "",
      value: "12",
      Источник: "Полиция Оснабрюк",
    });
  });

  it("lets the manager cancel the entry with /cancel, and nothing changes", async () => {
    manager.send("/indicators");
    await manager.nextReply();
    manager.tap("✏️ Внести преступления");
    await manager.nextReply();
    manager.tap("3-й квартал 2026");
    await manager.nextReply();
    manager.send("/cancel");
    expect((await manager.nextReply()).text).toBe("Отменено. Ничего не сохранено.");
    expect(await db.manualIndicatorValue.count()).toBe(2);
  });

  it("recomputes on request and tells what changed", async () => {
    const session = await db.attendance.findFirstOrThrow({ where: { status: "absent" } });
    await db.attendance.update({ where: { id: session.id }, data: { status: "present" } });
    manager.send("/indicators");
    await manager.nextReply();
    manager.tap("🔄 Пересчитать сейчас");
    const status = await manager.nextReply();
    expect(status.text).toBe("Показатели пересчитываются …");
    const result = await manager.nextReply({ timeoutMs: 15_000 });
    expect(result).toMatchObject({ edited: true, messageId: status.messageId });
    // Only the corrected month and the running month and quarter are recomputed: a single step, no progress in between.
    expect(result.text).toMatch(/^Показатели пересчитаны: 0 новых, [1-9]\d* изменено, 0 удалено\.$/);
  });

  it("is for managers only", async () => {
    const resident = fake.user({ id: 8102, firstName: "Олег", languageCode: "ru" });
    await onboard(resident);
    resident.send("/indicators");
    expect((await resident.nextReply()).text).toBe("Это могут делать только сотрудники бюро Quartiersmanagement.");
  });
});

describe("the weekly digest", () => {
  it("reaches the manager on Monday with last week and last month against the ones before", async () => {
    now = new Date("2026-11-02T07:00:00Z"); // Monday 08:00 in Berlin
    const sent = await sendWeeklyDigest(
      { db, clock: () => now, timeZone: ZONE, logger: running.logger },
      running.bot.api,
    );
    expect(sent).toBe(1);
    const digest = plain((await manager.nextReply()).text);
    expect(digest).toContain("Прошлая неделя (26 октября 2026 г. – 1 ноября 2026 г.)");
    expect(digest).toContain("Прошлый месяц (1 октября 2026 г. – 31 октября 2026 г.)");
    // October against September: 14 event participants against none.
    expect(digest).toContain("• Участники мероприятий: 14 (0)");
    expect(digest).toContain("• Ожидание подбора (медиана): 11,5 дн. (n = 2) (10 дн. (n = 1))");
  });
});
