import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { ForbiddenError } from "../../src/people/roles.js";
import { checkinDueAt } from "../../src/features/sponsorship/reminders.js";
import { answerOffer, proposeSponsor } from "../../src/features/sponsorship/service.js";
import { runReminderJob } from "../../src/jobs/reminders.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { familyRequest, makeSponsor } from "../support/fixtures.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const BERLIN = "Europe/Berlin";
const MANAGER_ID = 8001;
let now = new Date("2026-11-25T10:00:00Z");
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
let boss: TelegramUser;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now, adminTelegramIds: [MANAGER_ID] }));
  boss = fake.user({ id: MANAGER_ID, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
  await onboard(boss);
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

const runReminders = () =>
  runReminderJob(
    { db, timeZone: BERLIN, logger: running.logger },
    (chatId, text, options) =>
      running.bot.api.sendMessage(chatId, text, options as Parameters<typeof running.bot.api.sendMessage>[2]),
    now,
  );

/** Taps the options of a multi-select question (each press edits the buttons), then "done". */
async function choose(user: TelegramUser, labels: readonly string[], done: string): Promise<string | undefined> {
  for (const label of labels) {
    user.tap(label);
    const edit = await user.nextReply();
    expect(edit.buttons.flat().map((button) => button.text)).toContain(`✅ ${label}`);
  }
  user.tap(done);
  return (await user.nextReply()).text;
}

const textsIn = (user: TelegramUser) => fake.repliesTo(user.chatId).map((reply) => reply.text ?? "");
const personOf = (user: TelegramUser) => db.person.findUniqueOrThrow({ where: { telegramId: BigInt(user.id) } });

describe("a sponsorship from sign-up to its end, in German and Russian", () => {
  let anna: TelegramUser;
  let olga: TelegramUser;

  it("a volunteer signs up in German and a manager approves her", async () => {
    anna = fake.user({ id: 8002, firstName: "Anna", lastName: "Schmidt", username: "anna_hilft", languageCode: "de" });
    await onboard(anna);
    anna.tap("🤝 Patenschaft");
    expect((await anna.nextReply()).text).toContain("🤝 Patenschaften");
    anna.tap("🙋 Patin oder Pate werden");
    expect((await anna.nextReply()).text).toBe("Welche Sprachen sprechen Sie? (Mehrfachauswahl)");
    anna.tap("Fertig ➡️");
    expect((await anna.nextReply()).text).toContain("mindestens eine Möglichkeit");
    expect(await choose(anna, ["Deutsch", "Russisch"], "Fertig ➡️")).toContain("✅ Deutsch\n✅ Russisch");
    await anna.nextReply(); // areas
    await choose(anna, ["Behörden und Formulare"], "Fertig ➡️");
    await anna.nextReply(); // districts
    await choose(anna, ["Belm"], "Fertig ➡️");
    expect((await anna.nextReply()).text).toContain("In welchem Ortsteil wohnen Sie?");
    anna.tap("Nicht in Belm / keine Angabe");
    await anna.nextReply(); // times
    await choose(anna, ["abends"], "Fertig ➡️");
    expect((await anna.nextReply()).text).toContain("Wie viele Familien");
    anna.tap("2");
    expect((await anna.nextReply()).text).toContain("etwas über sich");
    anna.tap("Überspringen");
    expect((await anna.nextReply()).text).toContain(
      "Darf die Familie nach der Vermittlung Ihre Telefonnummer bekommen?",
    );
    anna.tap("Nein, nur über Telegram");
    const summary = await anna.nextReply();
    expect(summary.text).toContain("🗣 Sprachen: Deutsch, Russisch");
    expect(summary.text).toContain("👨‍👩‍👧 höchstens 2 Familien");
    anna.tap("✅ Absenden");
    await anna.nextReply();
    expect((await anna.nextReply()).text).toContain("Das Quartiersmanagement prüft Ihre Angaben");

    expect((await boss.nextReply()).text).toContain(
      "Eine neue Person möchte Patin oder Pate werden.\nSprachen: Deutsch, Russisch",
    );
    boss.tap("🙋 Neue Ehrenamtliche");
    expect((await boss.nextReply()).text).toContain("🙋 Anna Schmidt");
    boss.tap("✅ Anna Schmidt freigeben");
    expect((await boss.nextReply()).text).toBe("Freigegeben.");
    expect((await anna.nextReply()).text).toContain("Sie sind als Patin oder Pate freigegeben");
    expect((await db.sponsorProfile.findFirstOrThrow({ where: { personId: (await personOf(anna)).id } })).status).toBe(
      "active",
    );
  });

  it("a Russian-speaking family asks, the manager sees ranked suggestions, a decline and an accept", async () => {
    // Sergej: Russian, Vehrte, free → best. Maria: Russian, Vehrte, one family already → second.
    // Anna: Russian, but Belm → third. Hans: German only; Paula: paused → never suggested.
    const sergej = fake.user({ id: 8003, firstName: "Сергей", lastName: "Буш", languageCode: "ru" });
    await onboard(sergej);
    await makeSponsor(db, {
      name: "Sergej",
      personId: (await personOf(sergej)).id,
      languages: ["ru"],
      districts: ["vehrte"],
    });
    const maria = await makeSponsor(db, { name: "Maria", languages: ["ru"], districts: ["vehrte"] });
    const manager = { id: (await personOf(boss)).id, roles: ["manager" as const] };
    const busy = await proposeSponsor(db, manager, await familyRequest(db, "Erste Familie"), maria.profileId, now);
    if (busy.outcome !== "proposed") throw new Error(busy.outcome);
    await answerOffer(db, maria.personId, busy.sponsorshipId, "accept", now);
    await makeSponsor(db, {
      name: "Hans",
      languages: ["de"],
      districts: ["vehrte"],
      areas: ["authorities", "homework"],
    });
    const paula = await makeSponsor(db, {
      name: "Paula",
      languages: ["ru"],
      districts: ["vehrte"],
      areas: ["authorities", "homework"],
      maxFamilies: 5,
    });
    await db.sponsorProfile.update({ where: { id: paula.profileId }, data: { status: "paused" } });

    olga = fake.user({ id: 8004, firstName: "Ольга", lastName: "Миллер", username: "olga_m", languageCode: "ru" });
    await onboard(olga);
    olga.tap("🤝 Наставничество");
    await olga.nextReply();
    olga.tap("🔎 Найти наставника");
    expect((await olga.nextReply()).text).toBe("В чём вашей семье нужна помощь? (можно выбрать несколько)");
    await choose(olga, ["ведомства и бланки", "домашние задания"], "Готово ➡️");
    await olga.nextReply();
    await choose(olga, ["русский"], "Готово ➡️");
    expect((await olga.nextReply()).text).toBe("В какой части общины вы живёте?");
    olga.tap("Ферте");
    await olga.nextReply();
    olga.send("много");
    expect((await olga.nextReply()).text).toContain("это не подходит");
    olga.send("4");
    await olga.nextReply();
    olga.send("5, 9");
    await olga.nextReply();
    await choose(olga, ["вечером"], "Готово ➡️");
    await olga.nextReply();
    olga.tap("Пропустить");
    await olga.nextReply();
    olga.tap("📞 Да, передать номер телефона");
    await olga.nextReply();
    olga.send("0170 5555555");
    const summary = await olga.nextReply();
    expect(summary.text).toContain("📍 Часть общины: Ферте");
    expect(summary.text).toContain("👨‍👩‍👧 в семье 4 человека");
    expect(summary.text).toContain("📞 Телефон для связи: 0170 5555555");
    olga.tap("✅ Отправить");
    await olga.nextReply();
    expect((await olga.nextReply()).text).toContain("Ваша заявка принята");
    const request = await db.sponsorshipRequest.findFirstOrThrow({ where: { personId: (await personOf(olga)).id } });

    expect((await boss.nextReply()).text).toBe(`🔎 Neue Anfrage nach einer Patenschaft: #${request.id}.`);
    boss.tap("Vorschläge zeigen");
    const suggestions = await boss.nextReply();
    expect(suggestions.text).toContain("Hilfe bei: Behörden und Formulare, Hausaufgaben");
    expect(suggestions.buttons.flat().map((button) => button.text)).toEqual([
      "Сергей Буш · 11 Punkte · 0/2 Familien",
      "Maria · 10 Punkte · 1/2 Familien",
      "Anna Schmidt · 8 Punkte · 0/2 Familien",
      "Alle aktiven Patinnen und Paten zeigen",
      "⬅️ Zu den Anfragen",
    ]);

    boss.tap(/^Сергей Буш/);
    expect((await boss.nextReply()).text).toContain(`Das Angebot für Anfrage #${request.id} ist verschickt`);
    const offer = await sergej.nextReply();
    expect(offer.text).toBe(
      "🤝 Заявка на наставничество — сможете помочь этой семье?\nПомощь: ведомства и бланки, домашние задания\nЧасть общины: Ферте\nЯзыки: русский\n\nИмя и контакты вы получите, если согласитесь.",
    );
    sergej.tap("Нет, в этот раз нет");
    expect((await sergej.nextReply()).text).toBe("Хорошо, спасибо за ответ.");
    expect((await boss.nextReply()).text).toBe(
      `Das Angebot für Anfrage #${request.id} wurde abgelehnt. Bitte wählen Sie eine andere Person.`,
    );

    boss.tap("Vorschläge zeigen");
    await boss.nextReply();
    boss.tap(/^Anna Schmidt/);
    await boss.nextReply();
    expect((await anna.nextReply()).text).toContain(
      "Hilfe bei: Behörden und Formulare, Hausaufgaben\nOrtsteil: Vehrte\nSprachen: Russisch",
    );
    // Privacy: before accepting, nothing personal about the family reached either sponsor.
    for (const text of [...textsIn(anna), ...textsIn(sergej)]) {
      for (const secret of ["Ольга", "Миллер", "olga_m", "0170", "5, 9", "4 Person"])
        expect(text).not.toContain(secret);
    }

    anna.tap("✅ Ja, ich übernehme");
    expect((await anna.nextReply()).text).toBe("✅ Danke, dass Sie die Patenschaft übernehmen!");
    expect((await olga.nextReply()).text).toBe(
      "🤝 Хорошая новость: Anna будет вашим наставником!\nКак связаться:\nTelegram: @anna_hilft",
    );
    expect((await anna.nextReply()).text).toBe(
      "🤝 Danke! Sie begleiten jetzt die Familie von Ольга.\nSo erreichen Sie sie:\nTelegram: @olga_m\nTelefon: 0170 5555555\n👨‍👩‍👧 4 Personen in der Familie\n🧒 Alter der Kinder: 5, 9\n🕒 Zeiten: abends",
    );
    expect((await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("matched");
  });

  it("asks the sponsor how it goes two weeks after the start; 'ended' closes the sponsorship", async () => {
    const sponsorship = await db.sponsorship.findFirstOrThrow({
      where: { status: "active", sponsor: { personId: (await personOf(anna)).id } },
    });
    const due = checkinDueAt(sponsorship.startedAt ?? now, 0, BERLIN);
    expect(due.toISOString()).toBe("2026-12-09T09:00:00.000Z");
    now = new Date(due.getTime() - 60_000);
    await runReminders();
    await anna.expectNoReply(200);
    now = due;
    await runReminders();
    const checkin = await anna.nextReply();
    expect(checkin.text).toBe("🤝 Wie läuft Ihre Patenschaft?");
    anna.tap("🏁 Die Patenschaft ist beendet");
    expect((await anna.nextReply()).text).toContain("Die Patenschaft ist jetzt beendet.");
    expect((await olga.nextReply()).text).toBe(
      "ℹ️ Наставничество, в котором вы участвовали, завершено. Если есть вопросы, бюро Quartiersmanagement с радостью поможет.",
    );
    const ended = await db.sponsorship.findUniqueOrThrow({ where: { id: sponsorship.id }, include: { request: true } });
    expect([ended.status, ended.endReason, ended.request.status]).toEqual(["ended", "ended_by_sponsor", "closed"]);
    // The next month's check-in is not planned for an ended sponsorship.
    now = checkinDueAt(sponsorship.startedAt ?? now, 1, BERLIN);
    await runReminders();
    await anna.expectNoReply(200);
  });
});

describe("withdrawal, erasure and forged buttons", () => {
  async function activePair(sponsorUser: TelegramUser, familyUser: TelegramUser) {
    await onboard(sponsorUser);
    await onboard(familyUser);
    const sponsor = await makeSponsor(db, { name: sponsorUser.firstName, personId: (await personOf(sponsorUser)).id });
    const family = await personOf(familyUser);
    const requestId = await familyRequest(db, familyUser.firstName, { personId: family.id });
    const manager = { id: (await personOf(boss)).id, roles: ["manager" as const] };
    const proposed = await proposeSponsor(db, manager, requestId, sponsor.profileId, now);
    if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
    await answerOffer(db, sponsor.personId, proposed.sponsorshipId, "accept", now);
    return { sponsorshipId: proposed.sponsorshipId, requestId };
  }

  it("the family withdraws its request: the sponsor is told neutrally", async () => {
    const sponsor = fake.user({ id: 8101, firstName: "Jens", languageCode: "de" });
    const family = fake.user({ id: 8102, firstName: "Ирина", languageCode: "ru" });
    const { sponsorshipId } = await activePair(sponsor, family);
    family.send("/sponsorship");
    expect((await family.nextReply()).text).toContain("По вашей заявке найден наставник.");
    family.tap("🚪 Отозвать заявку");
    await family.nextReply();
    family.tap("Да, точно");
    expect((await family.nextReply()).text).toBe("Ваша заявка отозвана.");
    expect((await sponsor.nextReply()).text).toBe(
      "ℹ️ Eine Patenschaft, an der Sie beteiligt waren, ist beendet. Bei Fragen hilft Ihnen das Quartiersmanagement gern.",
    );
    expect((await db.sponsorship.findUniqueOrThrow({ where: { id: sponsorshipId } })).endReason).toBe(
      "family_withdrew",
    );
  });

  it("the sponsor withdraws: the family is told and its request goes back into the queue", async () => {
    const sponsor = fake.user({ id: 8103, firstName: "Uwe", languageCode: "de" });
    const family = fake.user({ id: 8104, firstName: "Лена", languageCode: "ru" });
    const { requestId } = await activePair(sponsor, family);
    sponsor.send("/sponsorship");
    await sponsor.nextReply();
    sponsor.tap("🚪 Als Patin oder Pate aufhören");
    await sponsor.nextReply();
    sponsor.tap("Ja, wirklich");
    expect((await sponsor.nextReply()).text).toContain("nicht mehr als Patin oder Pate eingetragen");
    expect((await family.nextReply()).text).toContain("Наставничество, в котором вы участвовали, завершено.");
    expect((await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("open");
  });

  it("/deleteme of either side ends the sponsorship and tells the other side neutrally", async () => {
    const sponsor = fake.user({ id: 8105, firstName: "Karl", languageCode: "de" });
    const family = fake.user({ id: 8106, firstName: "Вера", languageCode: "ru" });
    const first = await activePair(sponsor, family);
    family.send("/deleteme");
    await family.nextReply();
    family.tap(/^Да/);
    await family.nextReply();
    expect((await sponsor.nextReply()).text).toContain("Eine Patenschaft, an der Sie beteiligt waren, ist beendet.");
    expect((await db.sponsorship.findUniqueOrThrow({ where: { id: first.sponsorshipId } })).endReason).toBe(
      "data_erased",
    );

    const other = fake.user({ id: 8107, firstName: "Дина", languageCode: "ru" });
    await onboard(other);
    const requestId = await familyRequest(db, other.firstName, { personId: (await personOf(other)).id });
    const profile = await db.sponsorProfile.findFirstOrThrow({ where: { personId: (await personOf(sponsor)).id } });
    const proposed = await proposeSponsor(
      db,
      { id: (await personOf(boss)).id, roles: ["manager"] },
      requestId,
      profile.id,
      now,
    );
    if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
    await answerOffer(db, profile.personId, proposed.sponsorshipId, "accept", now);
    sponsor.send("/deleteme");
    await sponsor.nextReply();
    sponsor.tap(/^Ja/);
    await sponsor.nextReply();
    expect((await other.nextReply()).text).toBe(
      "ℹ️ Наставничество, в котором вы участвовали, завершено. Если есть вопросы, бюро Quartiersmanagement с радостью поможет.",
    );
    expect((await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("open");
  });

  it("'need help' at a check-in notifies the managers and keeps the sponsorship", async () => {
    const sponsor = fake.user({ id: 8109, firstName: "Grete", languageCode: "de" });
    const family = fake.user({ id: 8110, firstName: "Анна", languageCode: "ru" });
    const { sponsorshipId, requestId } = await activePair(sponsor, family);
    boss.skipReplies();
    now = checkinDueAt(now, 0, BERLIN);
    await runReminders();
    expect((await sponsor.nextReply()).text).toBe("🤝 Wie läuft Ihre Patenschaft?");
    sponsor.tap("🆘 Wir brauchen Hilfe");
    expect((await sponsor.nextReply()).text).toContain("meldet sich bei Ihnen");
    expect((await boss.nextReply()).text).toBe(
      `🆘 Eine Patin oder ein Pate braucht Unterstützung bei der Patenschaft zu Anfrage #${requestId}.`,
    );
    expect((await db.sponsorship.findUniqueOrThrow({ where: { id: sponsorshipId } })).status).toBe("active");
    await family.expectNoReply(200);
  });

  it("a non-manager cannot list requests or make a match, even with forged buttons", async () => {
    const eve = fake.user({ id: 8108, firstName: "Eve", languageCode: "de" });
    await onboard(eve);
    const sponsor = await makeSponsor(db, { name: "Frei", languages: ["ru"] });
    const requestId = await familyRequest(db, "Wartende Familie");
    const before = await db.sponsorship.count();
    for (const data of [
      "spm:requests:0",
      `spm:request:${requestId}`,
      `spm_pick:${requestId}:${sponsor.profileId}`,
      `spm:approve:${sponsor.profileId}`,
    ]) {
      const query = eve.tapData(data);
      expect((await eve.callbackAnswered(query)).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    }
    eve.send("/sponsorship");
    expect((await eve.nextReply()).buttons.flat().map((button) => button.text)).not.toContain("🗂 Anfragen");
    expect(await db.sponsorship.count()).toBe(before);
    const resident = { id: (await personOf(eve)).id, roles: [] };
    await expect(proposeSponsor(db, resident, requestId, sponsor.profileId, now)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
