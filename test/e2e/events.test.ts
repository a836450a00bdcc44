import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { signUp } from "../../src/features/events/service.js";
import { createEvents, type EventInput } from "../../src/features/events/management/service.js";
import { runReminderJob } from "../../src/jobs/reminders.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const BERLIN = "Europe/Berlin";
const MANAGER_ID = 7001;
const manager = { id: 0, roles: ["manager" as const] };

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
/** The bot's clock; each test moves it. */
let now = new Date("2026-12-02T10:00:00Z");

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now, adminTelegramIds: [MANAGER_ID] }));
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** Runs the reminder job once at the bot's clock, sending through the bot's api. */
function runReminders() {
  return runReminderJob(
    { db, timeZone: BERLIN, logger: running.logger },
    (chatId, text) => running.bot.api.sendMessage(chatId, text),
    now,
  );
}

async function event(overrides: Partial<EventInput>) {
  const [created] = await createEvents(
    db,
    manager,
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
      day: { year: 2026, month: 12, day: 3 },
      from: "18:30",
      to: "21:00",
      weeks: 1,
      ...overrides,
    },
    BERLIN,
  );
  if (!created?.checkinCode) throw new Error("no event created");
  return { ...created, checkinCode: created.checkinCode };
}

let boss: TelegramUser | undefined;
/** The quarter manager, who organises every event. */
async function organiser(): Promise<TelegramUser> {
  if (boss) return boss;
  boss = fake.user({ id: MANAGER_ID, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
  await onboard(boss);
  return boss;
}

const journeys = [
  {
    language: "de",
    user: { id: 7101, firstName: "Anna", lastName: "Schmidt", languageCode: "de" },
    titles: { titleDe: "Spieleabend", titleRu: "Вечер игр", day: { year: 2026, month: 12, day: 3 } },
    menu: "🎉 Veranstaltungen",
    listed: "Do., 3. Dezember um 18:30 · Spieleabend · noch 20 Plätze frei",
    details: "🗓 Do., 3. Dezember um 18:30 bis 21:00",
    join: "🙋 Ich komme",
    party: undefined,
    signedUp: "🎉 Sie sind für „Spieleabend“ angemeldet. Ich erinnere Sie am Vorabend und zwei Stunden vorher.",
    reminder:
      "⏰ Erinnerung: Morgen ist es so weit!\nSpieleabend\n🗓 Do., 3. Dezember um 18:30\n📍 Quartierstreff, Marktring 8",
    checkedIn: "✅ Willkommen bei „Spieleabend“! Sie sind eingecheckt.",
    already: "Sie sind bei „Spieleabend“ schon eingecheckt – schön, dass Sie da sind!",
    listLine: "1. ✅ Anna Schmidt",
  },
  {
    language: "ru",
    user: { id: 7102, firstName: "Ольга", lastName: "Иванова", languageCode: "ru" },
    titles: {
      titleDe: "Zirkusvorstellung",
      titleRu: "Цирковое представление",
      kind: "circus" as const,
      asksPartySize: true,
      day: { year: 2026, month: 12, day: 5 },
      from: "15:00",
      to: "16:30",
    },
    menu: "🎉 Мероприятия",
    listed: "сб, 5 декабря в 15:00 · Цирковое представление · осталось 20 мест",
    details: "🗓 сб, 5 декабря в 15:00 до 16:30",
    join: "🙋 Я приду",
    party: "3",
    signedUp:
      "🎉 Вы записаны на «Цирковое представление», придёт 3 человека. Я напомню накануне вечером и за два часа до начала.",
    reminder:
      "⏰ Напоминание: уже завтра!\nЦирковое представление\n🗓 сб, 5 декабря в 15:00\n📍 Quartierstreff, Marktring 8",
    checkedIn: "✅ Добро пожаловать на «Цирковое представление»! Вы отмечены.",
    already: "Вы уже отмечены на «Цирковое представление» — хорошо, что вы пришли!",
    listLine: "1. ✅ Ольга Иванова (3 Personen)",
  },
] as const;

describe("residents and events, in German and Russian", () => {
  it.each(journeys)(
    "$language: list → sign up → reminder at 18:00 Berlin → check in by code → organiser sees it; twice and expired refused",
    async (journey) => {
      const { day } = journey.titles;
      now = new Date(Date.UTC(day.year, day.month - 1, day.day - 1, 10));
      const created = await event(journey.titles);
      const user = fake.user(journey.user);
      await onboard(user);

      user.tap(journey.menu);
      const list = await user.nextReply();
      expect(list.buttons.flat().map((button) => button.text)).toContain(journey.listed);
      user.tap(journey.listed);
      expect((await user.nextReply()).text).toContain(journey.details);
      user.tap(journey.join);
      if (journey.party) {
        await user.nextReply(); // how many people?
        user.tap(journey.party);
      }
      expect((await user.nextReply()).text).toBe(journey.signedUp);

      // The evening before: nothing at 17:59 Berlin time, the reminder at 18:00.
      now = new Date(Date.UTC(day.year, day.month - 1, day.day - 1, 16, 59));
      await runReminders();
      await user.expectNoReply(200);
      now = new Date(Date.UTC(day.year, day.month - 1, day.day - 1, 17, 0));
      expect((await runReminders()).sent).toBe(1);
      expect((await user.nextReply()).text).toBe(journey.reminder);

      // At the venue, a quarter of an hour before the start.
      now = new Date(created.startsAt.getTime() - 15 * 60_000);
      user.send(created.checkinCode.toLowerCase());
      expect((await user.nextReply()).text).toBe(journey.checkedIn);
      user.send(created.checkinCode);
      expect((await user.nextReply()).text).toBe(journey.already);

      const petra = await organiser();
      petra.send("/manageevents");
      await petra.nextReply();
      petra.tap(new RegExp(journey.titles.titleDe));
      expect((await petra.nextReply()).text).toContain("✅ 1 eingecheckt, 🚶 0 ohne Anmeldung");
      const five = petra.tap("➕ 5 Personen");
      expect((await petra.callbackAnswered(five)).text).toBe("Gezählt: 5 Personen ohne Anmeldung.");
      expect((await petra.nextReply()).text).toContain("✅ 1 eingecheckt, 🚶 5 ohne Anmeldung");
      petra.tap("👥 Anmeldungen und Check-in");
      const people = await petra.nextReply();
      expect(people.text).toContain(journey.listLine);
      expect(people.text).toContain("1 von 1 Anmeldung eingecheckt");

      // Half an hour after the end the code no longer works.
      now = new Date(created.endsAt.getTime() + 31 * 60_000);
      petra.send(created.checkinCode);
      expect((await petra.nextReply()).text).toBe(
        `Dieser Check-in-Code für „${journey.titles.titleDe}“ gilt nicht mehr.`,
      );

      const rsvps = await db.rsvp.findMany({ where: { eventId: created.id } });
      expect(rsvps).toHaveLength(1);
      expect(rsvps[0]?.checkedInAt).toEqual(new Date(created.startsAt.getTime() - 15 * 60_000));
    },
  );

  it("a deep link checks in a person who never used the bot, after onboarding", async () => {
    now = new Date("2026-12-09T14:00:00Z");
    const created = await event({
      titleDe: "Offener Kindertreff",
      titleRu: "Открытый детский клуб",
      kind: "children",
      capacity: null,
      day: { year: 2026, month: 12, day: 9 },
      from: "15:00",
      to: "18:00",
    });
    const newcomer = fake.user({ id: 7103, firstName: "Sergej", languageCode: "ru" });

    newcomer.send(`/start checkin_${created.checkinCode}`);
    expect((await newcomer.nextReply()).text).toContain("Бельм");
    expect(await db.rsvp.count({ where: { eventId: created.id } })).toBe(0); // nothing before consent
    newcomer.tap(/^Далее/);
    await newcomer.replies(2);
    newcomer.tap(/^✅/);
    const [, consented, checkedIn, menu] = await newcomer.replies(4);
    expect(consented?.text).toContain("Sergej");
    expect(checkedIn?.text).toBe("✅ Добро пожаловать на «Открытый детский клуб»! Вы отмечены.");
    expect(menu?.buttons.flat().map((button) => button.text)).toContain("🎉 Мероприятия");

    const person = await db.person.findUniqueOrThrow({ where: { telegramId: 7103n } });
    expect(await db.rsvp.findFirst({ where: { eventId: created.id, personId: person.id } })).toMatchObject({
      status: "going",
      checkedInAt: now,
    });

    newcomer.send(`/start checkin_${created.checkinCode}`);
    expect((await newcomer.nextReply()).text).toBe(
      "Вы уже отмечены на «Открытый детский клуб» — хорошо, что вы пришли!",
    );
  });
});

describe("organisers, cancellations and forged buttons", () => {
  it("cancelling an event tells every sign-up once, in their language, and drops their reminders", async () => {
    now = new Date("2026-12-14T10:00:00Z");
    const created = await event({
      titleDe: "Infoabend Anerkennung",
      titleRu: "Инфовечер о признании",
      kind: "information",
      capacity: 1,
      day: { year: 2026, month: 12, day: 15 },
      from: "18:00",
      to: "20:00",
    });
    const guests = [
      fake.user({ id: 7201, firstName: "Rita", languageCode: "de" }),
      fake.user({ id: 7202, firstName: "Пётр", languageCode: "ru" }),
    ];
    for (const guest of guests) {
      const person = await db.person.create({
        data: {
          telegramId: BigInt(guest.id),
          chatId: BigInt(guest.id),
          firstName: guest.firstName,
          language: guest.language === "ru" ? "ru" : "de",
          consentAt: now,
        },
      });
      await signUp(db, { eventId: created.id, personId: person.id, partySize: 1 }, now); // the second one waits
    }
    await runReminders(); // plans the reminders of the one who is going
    expect(await db.reminder.count({ where: { eventId: created.id, cancelledAt: null } })).toBe(2);

    const petra = await organiser();
    petra.send("/manageevents");
    await petra.nextReply();
    petra.tap(/Infoabend Anerkennung/);
    await petra.nextReply();
    petra.tap("❌ Veranstaltung absagen");
    await petra.nextReply();
    petra.tap("Ja, wirklich");
    expect((await petra.nextReply()).text).toBe("Die Veranstaltung ist abgesagt; 2 Personen werden benachrichtigt.");
    expect((await guests[0]?.nextReply())?.text).toBe(
      "❗️ „Infoabend Anerkennung“ am Di., 15. Dezember um 18:00 fällt leider aus. Ihre Anmeldung ist damit erledigt; wir bitten um Verständnis.",
    );
    expect((await guests[1]?.nextReply())?.text).toBe(
      "❗️ К сожалению, «Инфовечер о признании» вт, 15 декабря в 18:00 отменяется. Ваша запись снята; просим отнестись с пониманием.",
    );

    // The same confirmation pressed again notifies nobody a second time.
    petra.tapData(`evo:cancel_yes:${created.id}`);
    expect((await petra.nextReply()).text).toBe("Diese Veranstaltung findet nicht statt oder ist vorbei.");
    expect(await db.reminder.count({ where: { eventId: created.id, cancelledAt: null } })).toBe(0);
    now = new Date("2026-12-14T17:00:00Z");
    expect((await runReminders()).sent).toBe(0);
    for (const guest of guests) await guest.expectNoReply(200);

    // A resident's stale button of the cancelled event gets a polite answer.
    const stale = guests[0]?.tapData(`evt:join:${created.id}:all:0`) ?? "";
    expect((await guests[0]?.callbackAnswered(stale))?.text).toBe(
      "Diese Veranstaltung findet nicht statt oder ist vorbei.",
    );
  });

  it("a resident cannot see the sign-ups or check anybody in; forged buttons change nothing", async () => {
    now = new Date("2026-12-16T17:00:00Z");
    const created = await event({
      titleDe: "Kochabend",
      titleRu: "Кулинарный вечер",
      day: { year: 2026, month: 12, day: 16 },
    });
    const eve = fake.user({ id: 7301, firstName: "Eve", languageCode: "de" });
    await onboard(eve);
    const other = await db.person.create({ data: { firstName: "Ada", consentAt: now } });
    const signed = await signUp(
      db,
      { eventId: created.id, personId: other.id, partySize: 1 },
      new Date("2026-12-10T10:00:00Z"),
    );
    if (signed.outcome !== "going") throw new Error("not signed up");

    for (const data of [
      `evo:people:${created.id}`,
      `evo:checkin:${signed.rsvp.id}`,
      `evo:walkin:${created.id}`,
      `evo:code:${created.id}`,
      `evo:cancel_yes:${created.id}`,
    ]) {
      const query = eve.tapData(data);
      expect((await eve.callbackAnswered(query)).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    }
    eve.send("/manageevents");
    expect((await eve.nextReply()).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");

    expect(await db.rsvp.findUniqueOrThrow({ where: { id: signed.rsvp.id } })).toMatchObject({ checkedInAt: null });
    expect(await db.eventWalkIn.count({ where: { eventId: created.id } })).toBe(0);
    expect(await db.event.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ cancelledAt: null });
    await eve.expectNoReply(200);

    // The organiser does it from the list, for someone without a phone.
    const petra = await organiser();
    petra.send("/manageevents");
    await petra.nextReply();
    petra.tap(/Kochabend/);
    await petra.nextReply();
    petra.tap("👥 Anmeldungen und Check-in");
    await petra.nextReply();
    petra.tap("✅ Ada einchecken");
    expect((await petra.nextReply()).text).toContain("1. ✅ Ada");
    expect(await db.rsvp.findUniqueOrThrow({ where: { id: signed.rsvp.id } })).toMatchObject({
      checkedInAt: now,
      checkedInById: expect.any(Number) as number,
    });
  });

  it("a manager creates a weekly series in the bot and raises the places of an event; the waiting list moves up", async () => {
    now = new Date("2027-03-01T10:00:00Z");
    const petra = await organiser();
    petra.send("/manageevents");
    await petra.nextReply();
    petra.tap("➕ Neue Veranstaltung");
    expect((await petra.nextReply()).text).toContain("Wie heißt sie auf Deutsch");
    for (const answer of [
      "Offener Kindertreff",
      "Открытый детский клуб",
      "Spielen, basteln und Hausaufgaben für Kinder von 6 bis 12.",
      "Игры, поделки и домашние задания для детей от 6 до 12 лет.",
    ]) {
      petra.send(answer);
      await petra.nextReply();
    }
    petra.tap("🧒 Kinder");
    await petra.nextReply();
    petra.send("17.03.2027");
    await petra.nextReply();
    petra.send("nachmittags");
    expect((await petra.nextReply()).text).toContain("Bitte so: 15:00-18:00");
    petra.send("15:00-18:00");
    await petra.nextReply();
    petra.send("Quartierstreff, Marktring 8");
    await petra.nextReply();
    petra.tap("Ohne Begrenzung");
    await petra.nextReply();
    petra.tap("Nein");
    await petra.nextReply();
    petra.send("3");
    const summary = await petra.nextReply();
    expect(summary.text).toContain("🗓 jede Woche Mi 15:00–18:00 Uhr, 3 Termine vom 17. März 2027 bis 31. März 2027");
    petra.tap("✅ Anlegen");
    await petra.nextReply();
    expect((await petra.nextReply()).text).toBe("„Offener Kindertreff“ ist angelegt, als Reihe mit 3 Terminen.");
    const series = await db.event.findMany({
      where: { titleDe: "Offener Kindertreff", startsAt: { gte: now } },
      orderBy: { startsAt: "asc" },
    });
    expect(series.map((created) => created.startsAt.toISOString())).toEqual([
      "2027-03-17T14:00:00.000Z",
      "2027-03-24T14:00:00.000Z",
      "2027-03-31T13:00:00.000Z",
    ]);
    expect(
      series.every(
        (created) =>
          created.seriesKey === series[0]?.seriesKey && created.capacity === null && created.kind === "children",
      ),
    ).toBe(true);

    const small = await event({
      titleDe: "Nähcafé",
      titleRu: "Кафе шитья",
      capacity: 1,
      day: { year: 2027, month: 3, day: 4 },
    });
    const waiting = fake.user({ id: 7401, firstName: "Нина", languageCode: "ru" });
    for (const telegramId of [7400, waiting.id]) {
      const person = await db.person.create({
        data: { telegramId: BigInt(telegramId), chatId: BigInt(telegramId), language: "ru", consentAt: now },
      });
      await signUp(db, { eventId: small.id, personId: person.id, partySize: 1 }, now);
    }
    petra.send("/manageevents");
    await petra.nextReply();
    petra.tap(/Nähcafé/);
    await petra.nextReply();
    petra.tap("✏️ Bearbeiten");
    await petra.nextReply();
    petra.tap("Plätze");
    await petra.nextReply();
    petra.send("0");
    expect((await petra.nextReply()).text).toBe("Bitte eine ganze Zahl von 1 bis 500.");
    petra.send("2");
    expect((await petra.nextReply()).text).toBe("Gespeichert.");
    expect((await waiting.nextReply()).text).toBe(
      "🎉 Хорошая новость: на «Кафе шитья» (чт, 4 марта в 18:30) освободилось место — теперь вы записаны!",
    );
    expect(await db.rsvp.count({ where: { eventId: small.id, status: "going" } })).toBe(2);
  });
});
