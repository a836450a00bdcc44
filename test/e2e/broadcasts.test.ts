import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { createBroadcast, deliveryCounts } from "../../src/features/broadcasts/service.js";
import type { Actor } from "../../src/people/roles.js";
import { register } from "../../src/features/courses/service.js";
import { createCourse } from "../../src/features/courses/management/service.js";
import { createBroadcastWorker } from "../../src/features/broadcasts/worker.js";
import { silentLogger } from "../../src/logger.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import { courseInput, OFFICE } from "../support/fixtures.js";
import { waitFor } from "../support/user.js";

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ bulk: { perSecond: 1000 } }));
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

async function broadcast(manager: Actor, textDe: string, textRu: string) {
  const created = await createBroadcast(
    db,
    manager,
    { audience: { kind: "everyone" }, textDe, texts: { ru: textRu } },
    new Date(),
  );
  await createBroadcastWorker({ db, clock: () => new Date(), logger: silentLogger }, running.bot.api).runOnce();
  return created;
}

describe("announcements as residents get them", () => {
  it("a resident who presses 'stop announcements' gets none from the next broadcast, and can switch back on", async () => {
    const manager = await db.person.create({ data: { roles: { create: { role: "manager" } } } });
    const actor: Actor = { id: manager.id, roles: ["manager"] };
    const anna = fake.user({ id: 8101, firstName: "Anna", lastName: "Schmidt", languageCode: "de" });
    const olga = fake.user({ id: 8102, firstName: "Ольга", lastName: "Иванова", languageCode: "ru" });
    await onboard(anna);
    await onboard(olga);

    await broadcast(actor, "🎪 Zirkusfest am Samstag!", "🎪 Цирковой праздник в субботу!");
    expect((await anna.nextReply()).text).toBe("🎪 Zirkusfest am Samstag!");
    expect((await olga.nextReply()).text).toBe("🎪 Цирковой праздник в субботу!");

    olga.tap("🔕 Больше не присылать объявления");
    const stopped = await olga.nextReply();
    expect(stopped.text).toContain("вы больше не будете получать объявления");
    expect(stopped.buttons.flat().map((button) => button.text)).toEqual(["🔔 Снова получать объявления"]);

    const second = await broadcast(actor, "Neuer Deutschkurs ab Montag", "Новый курс немецкого с понедельника");
    expect((await anna.nextReply()).text).toBe("Neuer Deutschkurs ab Montag");
    await olga.expectNoReply();
    expect(await deliveryCounts(db, second.broadcast.id)).toMatchObject({ sent: 1, excluded: 1 });

    olga.tap("🔔 Снова получать объявления");
    expect((await olga.nextReply()).text).toContain("Вы снова будете получать объявления");
    await broadcast(actor, "Sprechstunde heute", "Приёмные часы сегодня");
    expect((await olga.nextReply()).text).toBe("Приёмные часы сегодня");
  });

  it("refuses a forged manager button from a resident and changes nothing", async () => {
    const manager = await db.person.create({ data: { roles: { create: { role: "manager" } } } });
    const scheduled = await createBroadcast(
      db,
      { id: manager.id, roles: ["manager"] },
      {
        audience: { kind: "everyone" },
        textDe: "Später",
        texts: { ru: "Позже" },
        scheduledFor: new Date(Date.now() + 86_400_000),
      },
      new Date(),
    );
    const ilja = fake.user({ id: 8103, firstName: "Ilja", lastName: "Kowalski", languageCode: "de" });
    await onboard(ilja);
    const query = ilja.tapData(`bc_mng:cancel:${scheduled.broadcast.id}`);
    expect((await ilja.callbackAnswered(query)).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    expect((await db.broadcast.findUniqueOrThrow({ where: { id: scheduled.broadcast.id } })).status).toBe("scheduled");
  });
});

describe("/broadcast, as a manager composes it", () => {
  it("reaches a course's German and Russian participants in their language and nobody else", async () => {
    const boss = fake.user({ id: 8201, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
    const lena = fake.user({ id: 8202, firstName: "Lena", lastName: "Wolf", languageCode: "de" });
    const pavel = fake.user({ id: 8203, firstName: "Павел", lastName: "Орлов", languageCode: "ru" });
    const outsider = fake.user({ id: 8204, firstName: "Otto", lastName: "Außen", languageCode: "de" });
    for (const user of [boss, lena, pavel, outsider]) await onboard(user);
    const managerPerson = await db.person.findUniqueOrThrow({ where: { telegramId: 8201n } });
    await db.roleGrant.create({ data: { personId: managerPerson.id, role: "manager" } });
    const course = await createCourse(
      db,
      OFFICE,
      courseInput({ titleDe: "Deutsch B1 abends", titleRu: "Немецкий B1 вечером" }),
      "Europe/Berlin",
    );
    for (const telegramId of [8202n, 8203n]) {
      const person = await db.person.findUniqueOrThrow({ where: { telegramId } });
      await register(
        db,
        { courseId: course.id, personId: person.id, fullName: "Teilnehmer", phone: undefined, germanLevel: undefined },
        new Date(),
      );
    }

    boss.send("/broadcast");
    expect((await boss.nextReply()).text).toBe("📣 Neue Ankündigung. An wen soll sie gehen?");
    boss.tap("📚 Teilnehmende eines Kurses");
    expect((await boss.nextReply()).text).toContain("Welcher Kurs?");
    boss.tap("Deutsch B1 abends – Teilnehmende");
    expect((await boss.nextReply()).text).toMatch(/^Diese Ankündigung erreicht 2 Personen\. Nicht erreicht werden: 0/);
    const askGerman = await boss.nextReply();
    expect(askGerman.text).toBe("✍️ Bitte schreiben Sie jetzt den Text für diese Sprache: Deutsch");
    expect(askGerman.buttons.flat().map((button) => button.text)).toEqual(["✖️ Abbrechen"]);
    boss.sendSticker();
    expect((await boss.nextReply()).text).toContain("Bitte tippen Sie Ihre Antwort als Text ein");
    boss.send(" ");
    expect((await boss.nextReply()).text).toContain("höchstens 4096 Zeichen");
    boss.send("Der Kurs fällt morgen aus.");
    const askRussian = await boss.nextReply();
    expect(askRussian.text).toBe("✍️ Bitte schreiben Sie jetzt den Text für diese Sprache: Русский");
    expect(askRussian.buttons.flat().map((button) => button.text)).toEqual(["Denselben Text wie oben", "✖️ Abbrechen"]);
    boss.send("Занятие завтра отменяется.");
    expect((await boss.nextReply()).text).toContain("Foto oder ein Dokument");
    boss.tap("Ohne Anhang");
    expect((await boss.nextReply()).text).toBe("👀 Vorschau – so sehen es Personen mit der Sprache Deutsch:");
    const previewDe = await boss.nextReply();
    expect(previewDe.text).toBe("Der Kurs fällt morgen aus.");
    expect(previewDe.buttons.flat().map((button) => button.text)).toEqual(["🔕 Keine Ankündigungen mehr"]);
    expect((await boss.nextReply()).text).toBe("👀 Vorschau – so sehen es Personen mit der Sprache Русский:");
    const previewRu = await boss.nextReply();
    expect(previewRu.text).toBe("Занятие завтра отменяется.");
    expect(previewRu.buttons.flat().map((button) => button.text)).toEqual(["🔕 Больше не присылать объявления"]);
    expect((await boss.nextReply()).text).toContain("Anzahl der Personen: 2");
    boss.tap("🚀 Jetzt senden");
    expect((await boss.nextReply()).text).toContain("wird verschickt");

    await createBroadcastWorker({ db, clock: () => new Date(), logger: silentLogger }, running.bot.api).runOnce();
    expect((await lena.nextReply()).text).toBe("Der Kurs fällt morgen aus.");
    expect((await pavel.nextReply()).text).toBe("Занятие завтра отменяется.");
    await outsider.expectNoReply();
    const report = await waitFor(() => fake.messagesIn(8201).find((message) => message.text?.startsWith("📊")));
    expect(report.text).toContain("✅ zugestellt: 2");
  });

  it("schedules for later, can be cancelled, and leaves at any step with /cancel", async () => {
    const boss = fake.user({ id: 8201, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
    boss.skipReplies();
    boss.send("/broadcast");
    await boss.nextReply();
    boss.tap("📣 Alle (mit Einwilligung)");
    await boss.replies(2);
    boss.send("Sommerfest am Samstag");
    await boss.nextReply();
    boss.tap("Denselben Text wie oben");
    await boss.nextReply();
    boss.tap("Ohne Anhang");
    const previews = await boss.replies(4); // German and Russian readers, each the same text with their own button
    expect(previews.map((message) => message.text)).toEqual([
      "👀 Vorschau – so sehen es Personen mit der Sprache Deutsch:",
      "Sommerfest am Samstag",
      "👀 Vorschau – so sehen es Personen mit der Sprache Русский:",
      "Sommerfest am Samstag",
    ]);
    expect((await boss.nextReply()).text).toContain("Wann soll die Ankündigung verschickt werden?");
    boss.tap("🗓 Anderer Zeitpunkt …");
    await boss.nextReply();
    boss.send("31.02.2030 10:00");
    expect((await boss.nextReply()).text).toContain("kein gültiger Zeitpunkt");
    boss.send("24.12.2030 9:30");
    const scheduled = await boss.nextReply();
    expect(scheduled.text).toMatch(/^🗓 Geplant für Di\., 24\. Dezember um 09:30/);
    const broadcast = await db.broadcast.findFirstOrThrow({ where: { textDe: "Sommerfest am Samstag" } });
    expect(broadcast).toMatchObject({
      status: "scheduled",
      texts: "{}",
      textRu: "Sommerfest am Samstag",
      scheduledFor: new Date("2030-12-24T08:30:00.000Z"),
    });
    boss.tap("✖️ Geplante Ankündigung absagen");
    await boss.nextReply();
    expect((await db.broadcast.findUniqueOrThrow({ where: { id: broadcast.id } })).status).toBe("cancelled");

    boss.send("/broadcast");
    await boss.nextReply();
    boss.send("/cancel");
    expect((await boss.nextReply()).text).toBe("Abgebrochen. Es wurde nichts gespeichert.");
  });

  it("asks only for the languages its audience reads; Ukrainian readers get Ukrainian, others the German fallback", async () => {
    const boss = fake.user({ id: 8201, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
    const oksana = fake.user({ id: 8301, firstName: "Оксана", lastName: "Коваль", languageCode: "uk" });
    const sam = fake.user({ id: 8302, firstName: "Sam", lastName: "Smith", languageCode: "en" });
    for (const user of [oksana, sam]) await onboard(user);

    boss.skipReplies();
    boss.send("/broadcast");
    await boss.nextReply();
    boss.tap("🌐 Nach Sprache");
    const languages = await boss.nextReply();
    expect(languages.buttons.flat().map((button) => button.text)).toEqual([
      "Deutsch",
      "Русский",
      "Українська",
      "English",
      "✖️ Abbrechen",
    ]);
    boss.tap("Українська");
    expect((await boss.nextReply()).text).toMatch(/^Diese Ankündigung erreicht 1 Person\./);
    const ask = await boss.nextReply();
    expect(ask.text).toBe("✍️ Bitte schreiben Sie jetzt den Text für diese Sprache: Українська");
    boss.send("Свято в суботу!");
    expect((await boss.nextReply()).text).toContain("Foto oder ein Dokument");
    boss.tap("Ohne Anhang");
    expect((await boss.replies(2)).map((message) => message.text)).toEqual([
      "👀 Vorschau – so sehen es Personen mit der Sprache Українська:",
      "Свято в суботу!",
    ]);
    expect((await boss.nextReply()).text).toContain("Anzahl der Personen: 1");
    boss.tap("🚀 Jetzt senden");
    await boss.nextReply();
    await createBroadcastWorker({ db, clock: () => new Date(), logger: silentLogger }, running.bot.api).runOnce();
    const received = await oksana.nextReply();
    expect(received.text).toBe("Свято в суботу!");
    expect(received.buttons.flat().map((button) => button.text)).toEqual(["🔕 Більше не надсилати оголошення"]);
    await sam.expectNoReply();

    const manager = await db.person.findUniqueOrThrow({ where: { telegramId: 8201n } });
    await createBroadcast(
      db,
      { id: manager.id, roles: ["manager"] },
      { audience: { kind: "everyone" }, textDe: "Sprechstunde heute", texts: { uk: "Консультація сьогодні" } },
      new Date(),
    );
    await createBroadcastWorker({ db, clock: () => new Date(), logger: silentLogger }, running.bot.api).runOnce();
    expect((await oksana.nextReply()).text).toBe("Консультація сьогодні");
    const fallback = await sam.nextReply();
    expect(fallback.text).toBe("Sprechstunde heute");
    expect(fallback.buttons.flat().map((button) => button.text)).toEqual(["🔕 No more announcements"]);
  });
});
