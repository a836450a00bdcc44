import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { courseData } from "../../src/features/courses/keyboards.js";
import { register } from "../../src/features/courses/service.js";
import { createCourse } from "../../src/features/courses/management/service.js";
import { eventData } from "../../src/features/events/keyboards.js";
import { signUp } from "../../src/features/events/service.js";
import { checkInByCode } from "../../src/features/events/checkin-service.js";
import { createEvents } from "../../src/features/events/management/service.js";
import { runReminderJob } from "../../src/jobs/reminders.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { courseInput, OFFICE as manager } from "../support/fixtures.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const BERLIN = "Europe/Berlin";
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
/** The bot's clock; tests move it. */
let now = new Date("2026-11-25T10:00:00Z");
let anna: TelegramUser;
let olga: TelegramUser;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now }));
  anna = fake.user({ id: 14_201, firstName: "Anna", lastName: "Schmidt", languageCode: "de" });
  olga = fake.user({ id: 14_202, firstName: "Ольга", lastName: "Иванова", languageCode: "ru" });
  await onboard(anna);
  await onboard(olga);
}, 30_000);
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

async function personOf(user: TelegramUser) {
  return db.person.findUniqueOrThrow({ where: { telegramId: BigInt(user.id) } });
}

async function oneEvent(titleDe: string, titleRu: string, startsAt: { day: number; from: string; to: string }) {
  const [event] = await createEvents(
    db,
    manager,
    {
      titleDe,
      titleRu,
      descriptionDe: "Alle sind willkommen.",
      descriptionRu: "Все приглашены.",
      kind: "club",
      place: "Marktring 8",
      capacity: 10,
      asksPartySize: false,
      organiserId: null,
      day: { year: 2026, month: 11, day: startsAt.day },
      from: startsAt.from,
      to: startsAt.to,
      weeks: 1,
    },
    BERLIN,
  );
  if (!event) throw new Error("no event created");
  return event;
}

const labels = (reply: { buttons: { text: string }[][] }) => reply.buttons.flat().map((button) => button.text);

describe("no dead ends after leaving, in German and Russian", () => {
  it("withdrawing from a course, or keeping it, offers my courses, all courses and the menu", async () => {
    const course = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Deutsch B1", titleRu: "Немецкий B1" }),
      BERLIN,
    );
    for (const user of [anna, olga])
      await register(
        db,
        {
          courseId: course.id,
          personId: (await personOf(user)).id,
          fullName: "Test Person",
          phone: undefined,
          germanLevel: "B1",
        },
        now,
      );

    anna.send("/mycourses");
    await anna.nextReply();
    anna.tap("🚪 Abmelden: Deutsch B1");
    await anna.nextReply();
    anna.tap("Ja, abmelden");
    const withdrawn = await anna.nextReply();
    expect(withdrawn.text).toBe("Sie sind von „Deutsch B1“ abgemeldet. Alles Gute!");
    expect(labels(withdrawn)).toEqual(["📋 Meine Kurse", "📚 Alle Kurse", "⬅️ Zurück zum Menü"]);
    anna.tap("📋 Meine Kurse");
    expect((await anna.nextReply()).text).toContain("Sie sind noch für keinen Kurs angemeldet");

    olga.send("/mycourses");
    await olga.nextReply();
    olga.tap("🚪 Отменить запись: Немецкий B1");
    await olga.nextReply();
    olga.tap("Нет, остаться на курсе");
    const kept = await olga.nextReply();
    expect(labels(kept)).toEqual(["📋 Мои курсы", "📚 Все курсы", "⬅️ Назад в меню"]);
    olga.tap("⬅️ Назад в меню");
    expect((await olga.nextReply()).buttons.length).toBeGreaterThan(0);
  });

  it("cancelling an event sign-up offers the event, the list and the menu", async () => {
    const event = await oneEvent("Nähcafé", "Швейное кафе", { day: 28, from: "15:00", to: "17:00" });
    await signUp(db, { eventId: event.id, personId: (await personOf(olga)).id, partySize: 1 }, now);
    olga.tapData(eventData.pack("show", event.id, "all", 0));
    await olga.nextReply();
    olga.tap("🚫 Отменить запись");
    await olga.nextReply();
    olga.tap("Да, отменить");
    const left = await olga.nextReply();
    expect(left.text).toBe("Вы отменили запись на «Швейное кафе». Спасибо, что сообщили!");
    expect(labels(left)).toEqual(["⬅️ Назад к мероприятию", "⬅️ К списку", "⬅️ Назад в меню"]);
  });
});

describe("checked in, late sign-ups and code typos", () => {
  it("a checked-in person has no cancel button and gets no 'starts soon' reminder", async () => {
    const event = await oneEvent("Spieleabend", "Вечер игр", { day: 25, from: "18:00", to: "21:00" }); // 17:00 UTC
    const annaId = (await personOf(anna)).id;
    await signUp(db, { eventId: event.id, personId: annaId, partySize: 1 }, now);
    now = new Date("2026-11-25T15:05:00Z"); // 16:05 in Berlin: check-in is open, the "starts soon" reminder is due
    expect((await checkInByCode(db, annaId, event.checkinCode ?? "", now)).outcome).toBe("checked_in");
    anna.tapData(eventData.pack("show", event.id, "all", 0));
    const details = await anna.nextReply();
    expect(labels(details)).not.toContain("🚫 Absagen");
    expect(labels(details)).toContain("⬅️ Zur Übersicht");

    await runReminderJob(
      { db, timeZone: BERLIN, logger: running.logger },
      (chatId, text) => running.bot.api.sendMessage(chatId, text),
      now,
    );
    await anna.expectNoReply();
    const reminders = await db.reminder.findMany({ where: { eventId: event.id, personId: annaId } });
    expect(reminders.map((reminder) => reminder.kind)).toContain("event_soon");
    expect(reminders.every((reminder) => reminder.sentAt === null)).toBe(true);
  });

  it("a sign-up less than two hours before the start promises no reminders", async () => {
    now = new Date("2026-11-25T10:00:00Z");
    const event = await oneEvent("Sprachcafé", "Языковое кафе", { day: 25, from: "12:00", to: "13:00" }); // 11:00 UTC
    for (const [user, join, expected] of [
      [anna, "🙋 Ich komme", "🎉 Sie sind für „Sprachcafé“ angemeldet. Bis gleich!"],
      [olga, "🙋 Я приду", "🎉 Вы записаны на «Языковое кафе» (1 чел.). До встречи!"],
    ] as const) {
      user.tapData(eventData.pack("show", event.id, "all", 0));
      await user.nextReply();
      user.tap(join);
      expect((await user.nextReply()).text).toBe(expected);
    }
  });

  it("a code with a typo gets a hint about codes, not 'I did not understand'", async () => {
    anna.send("K7MPQ");
    expect((await anna.nextReply()).text).toContain("Ein Code hat sechs Zeichen, z. B. K7MPQ2");
    olga.send("k7mpqo");
    expect((await olga.nextReply()).text).toContain("Код состоит из шести знаков, например K7MPQ2");
  });
});

describe("registration corrections, in German and Russian", () => {
  it("the summary corrects one answer without starting over; a sticker is asked to be typed", async () => {
    const course = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Deutsch A2", titleRu: "Немецкий A2" }),
      BERLIN,
    );
    anna.tapData(courseData.pack("register", course.id, 0));
    const askName = await anna.nextReply();
    expect(labels(askName)).toContain("✅ „Anna Schmidt“ übernehmen");
    anna.sendSticker();
    expect((await anna.nextReply()).text).toBe(
      "Bitte tippen Sie Ihre Antwort als Text ein – oder senden Sie /cancel, um abzubrechen.",
    );
    anna.tap("✅ „Anna Schmidt“ übernehmen");
    await anna.nextReply();
    anna.send("0170 1234567");
    await anna.nextReply();
    anna.tap(/^A2/);
    const summary = await anna.nextReply();
    expect(labels(summary)).toEqual(["✅ Verbindlich anmelden", "✏️ Name", "✏️ Telefon", "✏️ Niveau", "✖️ Abbrechen"]);
    anna.tap("✏️ Telefon");
    await anna.nextReply(); // the summary loses its buttons
    expect((await anna.nextReply()).text).toContain("Telefonnummer");
    anna.tap("Ohne Telefonnummer weiter");
    const second = await anna.nextReply();
    expect(second.text).not.toContain("📞");
    expect(second.text).toContain("👤 Anna Schmidt");
    anna.tap("✏️ Name");
    await anna.nextReply();
    await anna.nextReply(); // the name question
    anna.send("Anna Müller");
    expect((await anna.nextReply()).text).toContain("👤 Anna Müller");
    anna.tap("✅ Verbindlich anmelden");
    await anna.nextReply();
    expect((await anna.nextReply()).text).toContain("Geschafft!");
    const enrollment = await db.enrollment.findFirstOrThrow({ where: { courseId: course.id } });
    expect(enrollment).toMatchObject({ fullName: "Anna Müller", phone: null, germanLevel: "A2", status: "active" });
  });

  it("offers the Telegram name even without a last name, and says what is missing", async () => {
    const marina = fake.user({ id: 14_203, firstName: "Марина", languageCode: "ru" });
    await onboard(marina);
    const course = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Bewerbung", titleRu: "Резюме", category: "vocational" }),
      BERLIN,
    );
    marina.tapData(courseData.pack("register", course.id, 0));
    await marina.nextReply();
    marina.tap("✅ Взять «Марина»");
    expect((await marina.nextReply()).text).toBe(
      "В Telegram указано только «Марина». Для списка участников нужны имя и фамилия: напишите их, пожалуйста, например «Ольга Шмидт».",
    );
    marina.send("Марина Петрова");
    await marina.nextReply();
    marina.tap("Продолжить без телефона");
    const summary = await marina.nextReply();
    expect(labels(summary)).toEqual(["✅ Записаться окончательно", "✏️ Имя", "✏️ Телефон", "✖️ Отменить"]);
    marina.tap("✖️ Отменить");
    await marina.nextReply();
    expect((await marina.nextReply()).text).toBeTruthy();
    expect(await db.enrollment.count({ where: { courseId: course.id } })).toBe(0);
  });
});
