import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { createEvents } from "../../src/features/events/management/service.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

/**
 * What a manager checks before creating a course or an event (every answer, the dates with their
 * year, the weekly schedule) and walk-ins counted as a typed number, in German and Russian.
 */

const BERLIN = "Europe/Berlin";
const GERMAN_MANAGER = 8101;
const RUSSIAN_MANAGER = 8102;

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
let now = new Date("2026-12-01T08:00:00Z");

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({
    clock: () => now,
    adminTelegramIds: [GERMAN_MANAGER, RUSSIAN_MANAGER],
  }));
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

const managers = new Map<number, TelegramUser>();
async function manager(language: "de" | "ru"): Promise<TelegramUser> {
  const id = language === "de" ? GERMAN_MANAGER : RUSSIAN_MANAGER;
  const known = managers.get(id);
  if (known) return known;
  const user = fake.user({ id, firstName: language === "de" ? "Petra" : "Ирина", languageCode: language });
  await onboard(user);
  managers.set(id, user);
  return user;
}

/** Sends each answer and waits for the next question. */
async function answer(user: TelegramUser, answers: readonly string[]): Promise<void> {
  for (const text of answers) {
    user.send(text);
    await user.nextReply();
  }
}

const COURSE_ANSWERS = [
  "Bewerbungstraining",
  "Тренинг по резюме",
  "Wir schreiben gemeinsam Lebenslauf und Anschreiben.",
  "Вместе пишем резюме и сопроводительное письмо.",
] as const;

const courseCases = [
  {
    language: "de" as const,
    category: "🛠 Berufsvorbereitung",
    threshold: "75 % (üblich)",
    create: "✅ Kurs anlegen",
    summary: [
      "Bitte prüfen:",
      "",
      "🇩🇪 Bewerbungstraining",
      "Wir schreiben gemeinsam Lebenslauf und Anschreiben.",
      "",
      "🇷🇺 Тренинг по резюме",
      "Вместе пишем резюме и сопроводительное письмо.",
      "",
      "🏷 🛠 Berufsvorbereitung",
      "👥 Plätze: 12, Abschluss ab 75 % Anwesenheit",
      "📍 Rathaus Belm, Raum 2",
      "🧑‍🏫 Kursleitung: Karl Lehrer",
      "🔁 Jede Woche: Mo 09:00–12:00, Do 13:00–15:30",
      "🗓 Termine: 23, vom 11. Januar 2027 bis 29. März 2027",
    ].join("\n"),
  },
  {
    language: "ru" as const,
    category: "🛠 Подготовка к профессии",
    threshold: "75 % (обычно)",
    create: "✅ Создать курс",
    summary: [
      "Пожалуйста, проверьте:",
      "",
      "🇩🇪 Bewerbungstraining",
      "Wir schreiben gemeinsam Lebenslauf und Anschreiben.",
      "",
      "🇷🇺 Тренинг по резюме",
      "Вместе пишем резюме и сопроводительное письмо.",
      "",
      "🏷 🛠 Подготовка к профессии",
      "👥 мест: 12, курс пройден при посещаемости от 75 %",
      "📍 Rathaus Belm, Raum 2",
      "🧑‍🏫 Преподаватель: Karl Lehrer",
      "🔁 Каждую неделю: пн 09:00–12:00, чт 13:00–15:30",
      "🗓 занятий: 23, с 11 января 2027 г. по 29 марта 2027 г.",
    ].join("\n"),
  },
];

describe("creation summaries", () => {
  beforeAll(async () => {
    await db.person.create({
      data: {
        telegramId: 8199n,
        chatId: 8199n,
        firstName: "Karl",
        lastName: "Lehrer",
        language: "de",
        consentAt: now,
        roles: { create: { role: "instructor" } },
      },
    });
  });

  it.each(courseCases)(
    "$language: a new course shows every answer, the dates with year and the weekly schedule",
    async ({ language, category, threshold, create, summary }) => {
      const boss = await manager(language);
      boss.send("/managecourses");
      await boss.nextReply();
      boss.tap(/^➕/);
      await boss.nextReply();
      await answer(boss, COURSE_ANSWERS);
      boss.tap(category);
      await boss.nextReply();
      await answer(boss, ["12"]);
      boss.tap(threshold);
      await boss.nextReply();
      await answer(boss, ["Rathaus Belm, Raum 2", "11.01.2027", "29.03.2027"]);
      boss.send("Mo 09:00-12:00; Do 13:00-15:30");
      await boss.nextReply();
      boss.tap("Karl Lehrer");
      expect((await boss.nextReply()).text).toBe(summary);
      boss.tap(create);
      await boss.nextReply();
      await boss.nextReply();
    },
  );

  const eventCases = [
    {
      language: "de" as const,
      kind: "🧒 Kinder",
      noLimit: "Ohne Begrenzung",
      party: "Ja, Personenzahl abfragen",
      summary: [
        "Bitte prüfen:",
        "",
        "🇩🇪 Offener Kindertreff",
        "Spielen, basteln und Hausaufgaben für Kinder von 6 bis 12.",
        "",
        "🇷🇺 Открытый детский клуб",
        "Игры, поделки и домашние задания для детей от 6 до 12 лет.",
        "",
        "🏷 🧒 Kinder",
        "🗓 jede Woche Mi 15:00–18:00 Uhr, 3 Termine vom 17. März 2027 bis 31. März 2027",
        "📍 Quartierstreff, Marktring 8",
        "👥 Plätze: Ohne Begrenzung",
        "🧮 Bei der Anmeldung wird die Personenzahl abgefragt",
      ].join("\n"),
      once: "🗓 Mi 17. März 2027, 15:00–18:00 Uhr, einmalig",
      onceCapacity: "👥 Plätze: 30",
      onceParty: "🧮 Personenzahl wird nicht abgefragt (eine Anmeldung = 1 Person)",
    },
    {
      language: "ru" as const,
      kind: "🧒 Дети",
      noLimit: "Без ограничения",
      party: "Да, спрашивать",
      summary: [
        "Пожалуйста, проверьте:",
        "",
        "🇩🇪 Offener Kindertreff",
        "Spielen, basteln und Hausaufgaben für Kinder von 6 bis 12.",
        "",
        "🇷🇺 Открытый детский клуб",
        "Игры, поделки и домашние задания для детей от 6 до 12 лет.",
        "",
        "🏷 🧒 Дети",
        "🗓 каждую неделю, ср 15:00–18:00, 3 раза, с 17 марта 2027 г. по 31 марта 2027 г.",
        "📍 Quartierstreff, Marktring 8",
        "👥 Мест: Без ограничения",
        "🧮 При записи спрашиваем, сколько человек придёт",
      ].join("\n"),
      once: "🗓 ср, 17 марта 2027 г., 15:00–18:00, один раз",
      onceCapacity: "👥 Мест: 30",
      onceParty: "🧮 Число человек не спрашиваем (одна запись — 1 человек)",
    },
  ];

  const EVENT_ANSWERS = [
    "Offener Kindertreff",
    "Открытый детский клуб",
    "Spielen, basteln und Hausaufgaben für Kinder von 6 bis 12.",
    "Игры, поделки и домашние задания для детей от 6 до 12 лет.",
  ] as const;

  async function eventSummary(
    boss: TelegramUser,
    kind: string,
    capacity: () => Promise<void>,
    party: string,
    weeks: () => void,
  ): Promise<string> {
    boss.send("/manageevents");
    await boss.nextReply();
    boss.tap(/^➕/);
    await boss.nextReply();
    await answer(boss, EVENT_ANSWERS);
    boss.tap(kind);
    await boss.nextReply();
    await answer(boss, ["17.03.2027", "15:00-18:00", "Quartierstreff, Marktring 8"]);
    await capacity();
    boss.tap(party);
    await boss.nextReply();
    weeks();
    return (await boss.nextReply()).text ?? "";
  }

  it.each(eventCases)(
    "$language: a new event shows the descriptions, kind, places, party size and the series with its last date",
    async (c) => {
      now = new Date("2027-03-01T10:00:00Z");
      const boss = await manager(c.language);
      const series = await eventSummary(
        boss,
        c.kind,
        async () => {
          boss.tap(c.noLimit);
          await boss.nextReply();
        },
        c.party,
        () => boss.send("3"),
      );
      expect(series).toBe(c.summary);
      boss.tap(/^✖️/);
      await boss.nextReply();
      await boss.nextReply();

      const once = await eventSummary(
        boss,
        c.kind,
        () => answer(boss, ["30"]),
        c.language === "de" ? "Nein" : "Нет",
        () => boss.tap(/^(Einmalig|Один раз)$/),
      );
      expect(once.split("\n").slice(-4)).toEqual([
        c.once,
        "📍 Quartierstreff, Marktring 8",
        c.onceCapacity,
        c.onceParty,
      ]);
      boss.tap(/^✖️/);
      await boss.nextReply();
      await boss.nextReply();
      expect(await db.event.count({ where: { titleDe: "Offener Kindertreff" } })).toBe(0);
    },
  );
});

const walkInCases = [
  {
    language: "de" as const,
    title: "Spieleabend",
    button: "✏️ Anzahl eingeben",
    question: "Wie viele Personen ohne Anmeldung sind dazugekommen? Bitte eine Zahl von 1 bis 500 senden.",
    wrong: ["viele", "0", "501", "2,5"],
    invalid: "Bitte eine ganze Zahl von 1 bis 500.",
    added: "Gezählt: 12 Personen ohne Anmeldung dazu. Ohne Anmeldung jetzt insgesamt: 13.",
    cancelled: "Abgebrochen",
    notOpen:
      "Der Check-in ist nicht offen (erst zwei Stunden vor Beginn, und nur bis die Anwesenheit abgeschlossen ist).",
  },
  {
    language: "ru" as const,
    title: "Вечер игр",
    button: "✏️ Ввести число",
    question: "Сколько человек пришло без записи? Отправьте число от 1 до 500.",
    wrong: ["много", "0", "501", "2,5"],
    invalid: "Пожалуйста, целое число от 1 до 500.",
    added: "Добавлено 12 человек без записи. Всего без записи: 13.",
    cancelled: "Отменено",
    notOpen: "Отметка не открыта (только с двух часов до начала и пока посещаемость не закрыта).",
  },
];

describe("walk-ins as a typed number", () => {
  it.each(walkInCases)(
    "$language: wrong numbers are answered and retried, the new total confirmed; /cancel counts nothing; a closed attendance refuses",
    async (c) => {
      now = new Date("2027-04-01T16:00:00Z");
      const [event] = await createEvents(
        db,
        { id: 0, roles: ["manager"] },
        {
          titleDe: "Spieleabend",
          titleRu: "Вечер игр",
          descriptionDe: "Spiele für alle Generationen.",
          descriptionRu: "Игры для всех поколений.",
          kind: "club",
          place: "Quartierstreff, Marktring 8",
          capacity: 20,
          asksPartySize: false,
          organiserId: null,
          day: { year: 2027, month: 4, day: 1 },
          from: "18:30",
          to: "21:00",
          weeks: 1,
        },
        BERLIN,
      );
      if (!event) throw new Error("no event");
      const boss = await manager(c.language);
      const open = async () => {
        boss.send("/manageevents");
        await boss.nextReply();
        boss.tap(new RegExp(c.title));
        return boss.nextReply();
      };

      const overview = await open();
      expect(overview.buttons.flat().map((button) => button.text)).toContain(c.button);
      boss.tap(/^➕ 1 /);
      await boss.nextReply(); // the overview shows the new figure
      boss.tap(c.button);
      expect((await boss.nextReply()).text).toBe(c.question);
      for (const wrong of c.wrong) {
        boss.send(wrong);
        expect((await boss.nextReply()).text).toBe(c.invalid);
      }
      boss.send("12");
      const added = await boss.nextReply();
      expect(added.text).toBe(c.added);
      expect(added.buttons.flat().map((button) => button.text)).toHaveLength(1);
      const walkIns = await db.eventWalkIn.findMany({ where: { eventId: event.id }, orderBy: { id: "asc" } });
      expect(walkIns.map((walkIn) => walkIn.count)).toEqual([1, 12]);

      await open();
      boss.tap(c.button);
      await boss.nextReply();
      boss.send("/cancel");
      expect((await boss.nextReply()).text).toContain(c.cancelled);
      boss.send("7");
      await boss.nextReply(); // no longer a walk-in count
      expect(await db.eventWalkIn.count({ where: { eventId: event.id } })).toBe(2);

      // The attendance is closed while the number is being typed: nothing is counted.
      await open();
      boss.tap(c.button);
      await boss.nextReply();
      await db.event.update({ where: { id: event.id }, data: { attendanceClosedAt: now } });
      boss.send("5");
      expect((await boss.nextReply()).text).toBe(c.notOpen);
      expect(await db.eventWalkIn.count({ where: { eventId: event.id } })).toBe(2);
      await db.eventWalkIn.deleteMany({ where: { eventId: event.id } });
      await db.event.delete({ where: { id: event.id } });
    },
  );
});
