import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishCommands } from "../../src/bot/create-bot.js";
import type { Db } from "../../src/db.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment());
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** Gives the person the kinds of data later features store, so erasure has something to erase. */
interface Activity {
  fullName: string;
  phone: string;
  note: string;
  district: string;
}

async function addActivity(telegramId: number, activity: Activity): Promise<void> {
  const person = await db.person.findUniqueOrThrow({ where: { telegramId: BigInt(telegramId) } });
  const course = await db.course.create({
    data: {
      titleDe: "Deutsch A1",
      titleRu: "Немецкий A1",
      descriptionDe: "Kurs",
      descriptionRu: "Курс",
      category: "language",
      capacity: 10,
      startsOn: new Date("2026-11-02T08:00:00Z"),
      endsOn: new Date("2027-02-01T11:00:00Z"),
      place: "Integrationswerkstatt",
    },
  });
  const session = await db.courseSession.create({
    data: { courseId: course.id, startsAt: new Date("2026-11-23T08:00:00Z"), endsAt: new Date("2026-11-23T11:00:00Z") },
  });
  const enrollment = await db.enrollment.create({
    data: {
      courseId: course.id,
      personId: person.id,
      status: "active",
      fullName: activity.fullName,
      phone: activity.phone,
      germanLevel: "A1",
    },
  });
  await db.attendance.create({ data: { sessionId: session.id, enrollmentId: enrollment.id, status: "present" } });
  await db.sponsorshipRequest.create({
    data: {
      personId: person.id,
      areas: '["authorities"]',
      languages: '["ru"]',
      district: activity.district,
      note: activity.note,
      childrenAges: "4, 9",
    },
  });
  await db.reminder.create({
    data: {
      kind: "course_session_evening",
      dedupeKey: `test:${person.id}`,
      personId: person.id,
      dueAt: new Date("2026-11-22T17:00:00Z"),
      sessionId: session.id,
    },
  });
}

async function wholeDatabaseAsText(): Promise<string> {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'",
  );
  const dumps = await Promise.all(tables.map(({ name }) => db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`)));
  return JSON.stringify(dumps, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

describe("/mydata", () => {
  it("sends a JSON document with everything stored about the person", async () => {
    const user = fake.user({
      id: 7101,
      firstName: "Wiktor",
      lastName: "Petrow",
      username: "wiktor_p",
      languageCode: "ru",
    });
    await onboard(user);
    await addActivity(user.id, {
      fullName: "Wiktor Petrow",
      phone: "+49 5406 123456",
      note: "Wir brauchen Hilfe mit dem Jobcenter",
      district: "Icker",
    });
    user.send("/mydata");
    const reply = await user.nextReply();
    expect(reply.caption).toBe("Это все данные, которые бот сохранил о вас.");
    expect(reply.document?.filename).toBe("belm-my-data.json");
    const data = JSON.parse(reply.document?.bytes.toString("utf8") ?? "") as {
      person: {
        telegramId: string;
        firstName: string;
        username: string;
        enrollments: { phone: string; attendance: unknown[] }[];
        sponsorshipRequests: { note: string }[];
      };
    };
    expect(data.person).toMatchObject({ telegramId: "7101", firstName: "Wiktor", username: "wiktor_p" });
    expect(data.person.enrollments[0]).toMatchObject({ phone: "+49 5406 123456" });
    expect(data.person.enrollments[0]?.attendance).toHaveLength(1);
    expect(data.person.sponsorshipRequests[0]?.note).toContain("Jobcenter");
  });

  it("is reachable from the menu", async () => {
    const user = fake.user({ id: 7102, firstName: "Greta", languageCode: "de" });
    await onboard(user);
    user.tap("🔒 Meine Daten");
    expect((await user.nextReply()).text).toContain("Ihre Daten");
    user.tap("📄 Meine Daten ansehen");
    const reply = await user.nextReply();
    expect(reply.caption).toBe("Das sind alle Daten, die der Bot über Sie gespeichert hat.");
    expect(JSON.parse(reply.document?.bytes.toString("utf8") ?? "{}")).toMatchObject({
      person: { firstName: "Greta" },
    });
  });
});

describe("/deleteme", () => {
  it("keeps everything when the person says no", async () => {
    const user = fake.user({ id: 7103, firstName: "Hans", languageCode: "de" });
    await onboard(user);
    user.send("/deleteme");
    expect((await user.nextReply()).text).toContain("wirklich alle Ihre Daten löschen");
    user.tap("Nein, behalten");
    expect((await user.nextReply()).text).toBe("In Ordnung, Ihre Daten bleiben gespeichert.");
    expect((await db.person.findUnique({ where: { telegramId: 7103n } }))?.firstName).toBe("Hans");
  });

  it("erases every personal trace, keeps anonymous rows, and lets the person start afresh", async () => {
    const user = fake.user({
      id: 7104,
      firstName: "Bogdan",
      lastName: "Iwanowski",
      username: "bogdan_iw",
      languageCode: "ru",
    });
    await onboard(user);
    await addActivity(user.id, {
      fullName: "Bogdan Iwanowski",
      phone: "+49 5406 987654",
      note: "Hilfe bei der Wohnungssuche",
      district: "Vehrte",
    });
    const before = await db.person.findUniqueOrThrow({ where: { telegramId: 7104n } });
    const eventAt = async (days: number) => {
      const startsAt = new Date(Date.now() + days * 86_400_000);
      return db.event.create({
        data: {
          titleDe: "Elterncafé",
          titleRu: "Кафе",
          descriptionDe: "–",
          descriptionRu: "–",
          kind: "club",
          startsAt,
          endsAt: new Date(startsAt.getTime() + 7_200_000),
          place: "Familienzentrum",
        },
      });
    };
    const [past, ahead] = [await eventAt(-10), await eventAt(10)];
    for (const event of [past, ahead])
      await db.rsvp.create({ data: { eventId: event.id, personId: before.id, status: "going", partySize: 2 } });

    user.send("/deleteme");
    const confirmation = await user.nextReply();
    expect(confirmation.text).toContain("записи на мероприятия, которые ещё не начались, будут отменены");
    expect(confirmation.text).toContain(
      "Записи на мероприятия, которые уже начались, и ваше посещение курсов сохранятся без имени",
    );
    user.tap("Да, удалить всё");
    expect((await user.nextReply()).text).toContain("Ваши данные удалены");

    const dump = await wholeDatabaseAsText();
    for (const trace of ["7104", "Bogdan", "bogdan_iw", "Iwanowski", "+49 5406 987654", "Wohnungssuche", "Vehrte"]) {
      expect(dump.includes(trace), `"${trace}" is still stored`).toBe(false);
    }
    const shell = await db.person.findUniqueOrThrow({ where: { id: before.id } });
    expect(shell).toMatchObject({
      telegramId: null,
      chatId: null,
      firstName: null,
      lastName: null,
      username: null,
      consentAt: null,
    });
    expect(shell.erasedAt).toBeInstanceOf(Date);
    // Anonymous rows stay so that attendance still counts; open sign-ups are withdrawn.
    const enrollments = await db.enrollment.findMany({ where: { personId: before.id }, include: { attendance: true } });
    expect(enrollments).toHaveLength(1);
    expect(enrollments[0]).toMatchObject({ status: "withdrawn", fullName: null, phone: null });
    expect(enrollments[0]?.attendance).toHaveLength(1);
    expect(await db.reminder.count({ where: { personId: before.id } })).toBe(0);
    // The past event's sign-up stays as it was (its month's figures rest on it); the one ahead is cancelled.
    expect(
      await db.rsvp.findMany({
        where: { personId: before.id },
        orderBy: { eventId: "asc" },
        select: { eventId: true, status: true, partySize: true },
      }),
    ).toEqual([
      { eventId: past.id, status: "going", partySize: 2 },
      { eventId: ahead.id, status: "cancelled", partySize: 2 },
    ]);

    user.send("/start");
    expect((await user.nextReply()).text).toContain("Добро пожаловать");
    const fresh = await db.person.findUniqueOrThrow({ where: { telegramId: 7104n } });
    expect(fresh.id).not.toBe(before.id);
    expect(fresh.consentAt).toBeNull();
  });
});

describe("people who blocked the bot", () => {
  it("are marked on Telegram's 403 and unmarked when they write again", async () => {
    const user = fake.user({ id: 7105, firstName: "Nina", languageCode: "de" });
    await onboard(user);
    fake.blockBot(user.id);
    await running.bot.api.sendMessage(user.id, "Test").catch(() => undefined);
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 7105n } })).blockedAt).toBeInstanceOf(Date);

    fake.unblockBot(user.id);
    user.send("/help");
    await user.nextReply();
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 7105n } })).blockedAt).toBeNull();
  });
});

describe("/privacy", () => {
  it("shows the privacy notice in German before any consent and stores no consent", async () => {
    const user = fake.user({ id: 7201, firstName: "Karla", languageCode: "de" });
    user.send("/privacy");
    const notice = (await user.nextReply()).text ?? "";
    for (const part of [
      "Datenschutzhinweis (Art. 13 DSGVO)",
      "Gemeinde Belm, Quartiersmanagement, Marktring 15, 49191 Belm",
      "Datenschutzbeauftragte der Gemeinde Belm",
      "Art. 6 Abs. 1 Buchst. a DSGVO",
      "Telegram-ID (eine Nummer für Ihr Telegram-Konto, nicht Ihre Telefonnummer)",
      "die Telefonnummer nur, wenn die Person es erlaubt hat",
      "24 Monate",
      "30 Tage vorher",
      "höchstens 5 Wochen",
      "/mydata",
      "/deleteme",
      "widerrufen",
      "Die Landesbeauftragte für den Datenschutz Niedersachsen",
    ]) {
      expect(notice, part).toContain(part);
    }
    expect(notice.length).toBeLessThan(4096);
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 7201n } })).consentAt).toBeNull();
  });

  it("can be read in Russian from the consent screen (command and button), and consent still works afterwards", async () => {
    const user = fake.user({ id: 7202, firstName: "Oksana", languageCode: "ru" });
    user.send("/start");
    await user.nextReply();
    user.tap(/^Далее/);
    const [, consentScreen] = await user.replies(2);
    expect(consentScreen?.text).toContain("Все подробности: /privacy");

    user.send("/privacy");
    const notice = (await user.nextReply()).text ?? "";
    for (const part of [
      "Информация о защите данных (ст. 13 Общего регламента ЕС по защите данных)",
      "Gemeinde Belm, Quartiersmanagement, Marktring 15, 49191 Belm",
      "ст. 6, абз. 1, букв. «а» Общего регламента ЕС по защите данных",
      "ID в Telegram (номер вашего аккаунта в Telegram, а не номер телефона)",
      "24 мес.",
      "не более 5 недель",
      "/mydata",
      "/deleteme",
      "уполномоченная по защите данных земли Нижняя Саксония",
    ]) {
      expect(notice, part).toContain(part);
    }

    // The consent screen's own button shows the same notice and keeps the question open.
    user.tapOn(consentScreen?.messageId ?? 0, "📜 Защита данных");
    expect((await user.nextReply()).text).toBe(notice);

    user.tap(/^✅/);
    const [, thanks] = await user.replies(3);
    expect(thanks?.text).toContain("Спасибо, Oksana!");
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 7202n } })).consentAt).toBeInstanceOf(Date);
  });

  it("says what a refusal keeps: the Telegram id and the language, not a phone number", async () => {
    const user = fake.user({ id: 7203, firstName: "Lars", languageCode: "de" });
    user.send("/start");
    await user.nextReply();
    user.tap(/^Weiter/);
    await user.replies(2);
    user.tap("Nein, danke");
    const [, declined] = await user.replies(2);
    expect(declined?.text).toContain(
      "nur Ihre Telegram-ID gespeichert (eine Nummer für Ihr Telegram-Konto, nicht Ihre Telefonnummer), Ihre Sprache",
    );
    expect(declined?.text).not.toContain("Telegram-Nummer");
    expect(declined?.text).toContain("/privacy");
  });

  it("is listed in /help, in the command list of both languages and under “my data”", async () => {
    const user = fake.user({ id: 7204, firstName: "Mira", languageCode: "de" });
    await onboard(user);
    user.send("/help");
    expect((await user.nextReply()).text).toContain("/privacy – Datenschutzhinweis");

    await publishCommands(running.bot);
    expect(await running.bot.api.getMyCommands({ language_code: "de" })).toContainEqual({
      command: "privacy",
      description: "Datenschutzhinweis",
    });
    expect(await running.bot.api.getMyCommands({ language_code: "ru" })).toContainEqual({
      command: "privacy",
      description: "Информация о защите данных",
    });

    user.tap("⬅️ Zurück zum Menü");
    await user.nextReply();
    user.tap("🔒 Meine Daten");
    await user.nextReply();
    user.tap("📜 Datenschutzhinweis");
    expect((await user.nextReply()).text).toContain("Datenschutzhinweis (Art. 13 DSGVO)");
  });
});

describe("/privacy with the office's own contacts", () => {
  it("names the configured controller, data-protection officer and retention period", async () => {
    const own = await startBotTestEnvironment({
      privacy: {
        controllerName: "Samtgemeinde Muster, Integrationsbüro",
        controllerAddress: "Hauptstraße 1, 12345 Muster",
        dpoContact: "datenschutz@muster.example",
      },
      retentionMonths: 12,
    });
    try {
      const user = own.fake.user({ id: 7205, firstName: "Timo", languageCode: "de" });
      user.send("/privacy");
      const notice = (await user.nextReply()).text ?? "";
      expect(notice).toContain("Samtgemeinde Muster, Integrationsbüro, Hauptstraße 1, 12345 Muster");
      expect(notice).toContain("datenschutz@muster.example");
      expect(notice).toContain("12 Monate");
    } finally {
      await stopBotTestEnvironment(own);
    }
  });
});
