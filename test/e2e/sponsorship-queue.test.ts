import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { answerOffer, decideSponsor, proposeSponsor } from "../../src/features/sponsorship/service.js";
import { runReminderJob } from "../../src/jobs/reminders.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import { familyRequest, makePerson, makeSponsor, OFFICE } from "../support/fixtures.js";
import type { TelegramUser } from "../support/user.js";

/**
 * Issue #14 "Sponsorships and broadcasts" and #11's notice to managers, as people meet them in
 * German and Russian: districts people give are stored and make up the "by district" audience;
 * the phone of a sponsor profile and of a family request stay apart; an offer that expires is
 * announced to the sponsor; managers hear at once when a family's request is back in the queue.
 */

const BERLIN = "Europe/Berlin";
const HOUR = 3_600_000;
let now = new Date("2026-11-25T10:00:00Z");
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
let petra: TelegramUser;
let irina: TelegramUser;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now, adminTelegramIds: [8501, 8502] }));
  petra = fake.user({ id: 8501, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
  irina = fake.user({ id: 8502, firstName: "Ирина", lastName: "Бюро", languageCode: "ru" });
  await onboard(petra);
  await onboard(irina);
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

const runReminders = () =>
  runReminderJob(
    { db, timeZone: BERLIN, logger: running.logger },
    (chatId, text, options) =>
      running.bot.api.sendMessage(chatId, text, options as Parameters<typeof running.bot.api.sendMessage>[2]),
    now,
  );
const personOf = (user: TelegramUser) => db.person.findUniqueOrThrow({ where: { telegramId: BigInt(user.id) } });
const managerActor = async () => ({ id: (await personOf(petra)).id, roles: ["manager" as const] });
const skipManagers = () => [petra, irina].forEach((manager) => manager.skipReplies());

/** Taps the options of a multi-select question (each press edits the buttons), then "done"; returns the next question. */
async function choose(user: TelegramUser, labels: readonly string[], done: string): Promise<string | undefined> {
  for (const label of labels) {
    user.tap(label);
    await user.nextReply();
  }
  user.tap(done);
  await user.nextReply(); // the question shows what was chosen
  return (await user.nextReply()).text;
}

async function matched(sponsorUser: TelegramUser, familyUser: TelegramUser) {
  await onboard(sponsorUser);
  await onboard(familyUser);
  const sponsor = await makeSponsor(db, { name: sponsorUser.firstName, personId: (await personOf(sponsorUser)).id });
  const requestId = await familyRequest(db, familyUser.firstName, { personId: (await personOf(familyUser)).id });
  const proposed = await proposeSponsor(db, await managerActor(), requestId, sponsor.profileId, now);
  if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
  await answerOffer(db, sponsor.personId, proposed.sponsorshipId, "accept", now);
  return requestId;
}

describe("districts: stored when people give them, offered with counts for announcements", () => {
  it("a volunteer is asked once where they live; the district audience lists the districts people have, with counts, in German and Russian", async () => {
    // Two families in Vehrte and one in Belm gave their district with their request.
    for (const [name, chatId, district] of [
      ["Familie Vehrte 1", 8601, "vehrte"],
      ["Familie Vehrte 2", 8602, "vehrte"],
      ["Familie Belm", 8603, "belm"],
    ] as const) {
      const person = await makePerson(db, { name, chatId });
      await familyRequest(db, name, { personId: person.id, district });
    }

    const bernd = fake.user({ id: 8511, firstName: "Bernd", languageCode: "de" });
    await onboard(bernd);
    bernd.send("/sponsorship");
    await bernd.nextReply();
    bernd.tap("🙋 Patin oder Pate werden");
    await bernd.nextReply();
    expect(await choose(bernd, ["Deutsch"], "Fertig ➡️")).toContain("Wobei");
    expect(await choose(bernd, ["Behörden und Formulare"], "Fertig ➡️")).toContain(
      "In welchen Ortsteilen können Sie helfen?",
    );
    const home = await choose(bernd, ["Belm", "Powe"], "Fertig ➡️");
    expect(home).toBe(
      "In welchem Ortsteil wohnen Sie? Dann erreichen Sie auch Nachrichten des Quartiersmanagements für Ihren Ortsteil.",
    );
    expect(
      fake
        .messagesIn(bernd.chatId)
        .at(-1)
        ?.buttons.flat()
        .map((button) => button.text),
    ).toEqual(["Belm", "Vehrte", "Icker", "Powe", "Haltern", "Nicht in Belm / keine Angabe", "✖️ Abbrechen"]);
    bernd.tap("Icker");
    await bernd.nextReply();
    expect(await choose(bernd, ["abends"], "Fertig ➡️")).toContain("Wie viele Familien");
    bernd.tap("1");
    await bernd.nextReply();
    bernd.tap("Überspringen");
    await bernd.nextReply();
    bernd.tap("Nein, nur über Telegram");
    const summary = await bernd.nextReply();
    expect(summary.text).toContain("📍 Ortsteile: Belm, Powe\n🏠 Wohnort: Icker");
    bernd.tap("✅ Absenden");
    await bernd.replies(2);
    expect((await personOf(bernd)).district).toBe("icker");

    // Editing the profile later does not ask again.
    await decideSponsor(
      db,
      OFFICE,
      (await db.sponsorProfile.findFirstOrThrow({ where: { personId: (await personOf(bernd)).id } })).id,
      "approve",
      now,
    );
    bernd.skipReplies();
    bernd.send("/sponsorship");
    await bernd.nextReply();
    bernd.tap("✏️ Angaben ändern");
    await bernd.nextReply();
    await choose(bernd, [], "Fertig ➡️");
    await choose(bernd, [], "Fertig ➡️");
    expect(await choose(bernd, [], "Fertig ➡️")).toBe("Wann haben Sie Zeit? (Mehrfachauswahl)");
    bernd.send("/cancel");
    await bernd.nextReply();

    skipManagers();
    petra.send("/broadcast");
    await petra.nextReply();
    petra.tap("🏘 Nach Ortsteil");
    const options = await petra.nextReply();
    expect(options.text).toBe("Welcher Ortsteil?");
    expect(
      options.buttons
        .flat()
        .map((button) => button.text)
        .slice(0, 3),
    ).toEqual(["Belm (1)", "Icker (1)", "Vehrte (2)"]);
    petra.tap("Vehrte (2)");
    expect((await petra.nextReply()).text).toMatch(/^Diese Ankündigung erreicht 2 Personen\. Nicht erreicht werden: 0/);
    petra.send("/cancel");
    expect((await petra.replies(2)).map((reply) => reply.text)).toContain("Abgebrochen. Es wurde nichts gespeichert.");

    irina.send("/broadcast");
    await irina.nextReply();
    irina.tap("🏘 По части общины");
    const russian = await irina.nextReply();
    expect(
      russian.buttons
        .flat()
        .map((button) => button.text)
        .slice(0, 3),
    ).toEqual(["Бельм (1)", "Иккер (1)", "Ферте (2)"]);
    irina.tap("Иккер (1)");
    expect((await irina.nextReply()).text).toMatch(/^Это объявление получит 1 человек\./);
    irina.send("/cancel");
    await irina.nextReply();
  });
});

describe("one person, sponsor and family at once", () => {
  it("keeps the phone of the request and the phone of the sponsor profile apart, and does not ask the district twice", async () => {
    const natalia = fake.user({ id: 8521, firstName: "Наталья", username: "natalia_b", languageCode: "ru" });
    await onboard(natalia);
    natalia.send("/sponsorship");
    await natalia.nextReply();
    natalia.tap("🔎 Найти наставника");
    await natalia.nextReply();
    await choose(natalia, ["ведомства и бланки"], "Готово ➡️");
    expect(await choose(natalia, ["русский"], "Готово ➡️")).toBe("В какой части общины вы живёте?");
    natalia.tap("Ферте");
    await natalia.nextReply();
    natalia.tap("Пропустить");
    await natalia.nextReply();
    natalia.tap("Пропустить");
    await natalia.nextReply();
    await choose(natalia, ["вечером"], "Готово ➡️");
    natalia.tap("Пропустить");
    await natalia.nextReply();
    natalia.tap("📞 Да, передать номер телефона");
    await natalia.nextReply();
    natalia.send("0170 1111111");
    await natalia.nextReply();
    natalia.tap("✅ Отправить");
    await natalia.replies(2);
    expect((await personOf(natalia)).district).toBe("vehrte");

    natalia.send("/sponsorship");
    await natalia.nextReply();
    natalia.tap("🙋 Стать наставником");
    await natalia.nextReply();
    await choose(natalia, ["русский"], "Готово ➡️");
    await choose(natalia, ["ведомства и бланки"], "Готово ➡️");
    // Where she lives is known from her request: the next question is about times.
    expect(await choose(natalia, ["Ферте"], "Готово ➡️")).toBe("Когда у вас есть время? (можно выбрать несколько)");
    await choose(natalia, ["вечером"], "Готово ➡️");
    natalia.tap("1");
    await natalia.nextReply();
    natalia.tap("Пропустить");
    await natalia.nextReply();
    natalia.tap("📞 Да, передать номер телефона");
    await natalia.nextReply();
    natalia.send("0170 2222222");
    await natalia.nextReply();
    natalia.tap("✅ Отправить");
    await natalia.replies(2);

    const person = await personOf(natalia);
    const request = await db.sponsorshipRequest.findFirstOrThrow({ where: { personId: person.id } });
    const profile = await db.sponsorProfile.findUniqueOrThrow({ where: { personId: person.id } });
    expect([request.phone, profile.phone]).toEqual(["0170 1111111", "0170 2222222"]);
    await decideSponsor(db, OFFICE, profile.id, "approve", now);

    // Her own request goes to Jörg: he gets the request's phone.
    const jorg = fake.user({ id: 8522, firstName: "Jörg", languageCode: "de" });
    await onboard(jorg);
    const jorgProfile = await makeSponsor(db, { name: "Jörg", personId: (await personOf(jorg)).id, languages: ["ru"] });
    const toJorg = await proposeSponsor(db, await managerActor(), request.id, jorgProfile.profileId, now);
    if (toJorg.outcome !== "proposed") throw new Error(toJorg.outcome);
    // The offer was made by the service, not sent: the press comes as the button's data.
    natalia.skipReplies();
    jorg.skipReplies();
    jorg.tapData(`sp_offer:accept:${toJorg.sponsorshipId}`);
    await jorg.nextReply();
    const introToJorg = await jorg.nextReply();
    expect(introToJorg.text).toContain("Telefon: 0170 1111111");
    expect(introToJorg.text).not.toContain("2222222");

    // A family's request goes to her as sponsor: the family gets the profile's phone.
    const family = fake.user({ id: 8523, firstName: "Family", languageCode: "de" });
    await onboard(family);
    const familyRequestId = await familyRequest(db, "Family", { personId: (await personOf(family)).id });
    const toNatalia = await proposeSponsor(db, await managerActor(), familyRequestId, profile.id, now);
    if (toNatalia.outcome !== "proposed") throw new Error(toNatalia.outcome);
    natalia.skipReplies();
    natalia.tapData(`sp_offer:accept:${toNatalia.sponsorshipId}`);
    expect((await natalia.nextReply()).text).toBe("✅ Спасибо, что берёте наставничество!");
    const introToFamily = await family.nextReply();
    expect(introToFamily.text).toContain("Telefon: 0170 2222222");
    expect(introToFamily.text).not.toContain("1111111");
  });
});

describe("an offer nobody answers", () => {
  it("expires after 72 hours: the sponsor is told in their language, and the manager who made it too", async () => {
    const hanna = fake.user({ id: 8531, firstName: "Hanna", languageCode: "de" });
    const oleg = fake.user({ id: 8532, firstName: "Олег", languageCode: "ru" });
    const offers: number[] = [];
    for (const user of [hanna, oleg]) {
      await onboard(user);
      const sponsor = await makeSponsor(db, { name: user.firstName, personId: (await personOf(user)).id });
      const proposed = await proposeSponsor(
        db,
        await managerActor(),
        await familyRequest(db, `Familie für ${user.firstName}`),
        sponsor.profileId,
        now,
      );
      if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
      offers.push(proposed.sponsorshipId);
    }
    skipManagers();
    now = new Date(now.getTime() + 72 * HOUR);
    await runReminders();
    expect((await hanna.nextReply()).text).toBe(
      "⏰ Auf die Anfrage für eine Patenschaft kam von Ihnen 72 Stunden lang keine Antwort, deshalb ist sie jetzt beendet. Das ist in Ordnung: Das Quartiersmanagement fragt jemand anderen.",
    );
    expect((await oleg.nextReply()).text).toBe(
      "⏰ Вы 72 часа не ответили на заявку о наставничестве, поэтому она больше не действует. Ничего страшного: бюро Quartiersmanagement спросит кого-нибудь другого.",
    );
    const toManager = await petra.replies(2);
    expect(toManager.map((reply) => reply.text)).toEqual([
      expect.stringContaining("kam 72 Stunden lang keine Antwort"),
      expect.stringContaining("kam 72 Stunden lang keine Antwort"),
    ]);
    expect(await db.sponsorship.count({ where: { id: { in: offers }, status: "expired" } })).toBe(2);
    // Accepting afterwards is refused.
    const late = hanna.tapData(`sp_offer:accept:${offers[0]}`);
    expect((await hanna.callbackAnswered(late)).text).toBe("Dieses Angebot gilt nicht mehr.");
  });
});

describe("a family's request back in the queue", () => {
  it("the sponsor withdraws: every manager is told at once in their language, and the waiting time counts from then", async () => {
    const uwe = fake.user({ id: 8541, firstName: "Uwe", languageCode: "de" });
    const lena = fake.user({ id: 8542, firstName: "Лена", languageCode: "ru" });
    const requestId = await matched(uwe, lena);
    skipManagers();
    now = new Date(now.getTime() + 48 * HOUR);
    uwe.send("/sponsorship");
    await uwe.nextReply();
    uwe.tap("🚪 Als Patin oder Pate aufhören");
    await uwe.nextReply();
    uwe.tap("Ja, wirklich");
    await uwe.nextReply();
    await lena.nextReply();

    const notice = await petra.nextReply();
    expect(notice.text).toBe(
      `🔁 Anfrage #${requestId} ist wieder in der Warteschlange: Die Patin oder der Pate ist ausgeschieden. Bitte wählen Sie eine neue Patin oder einen neuen Paten.`,
    );
    expect((await irina.nextReply()).text).toBe(
      `🔁 Заявка #${requestId} снова в очереди: наставник выбыл. Пожалуйста, выберите нового наставника.`,
    );

    now = new Date(now.getTime() + 50 * HOUR);
    petra.tap("Vorschläge zeigen");
    expect((await petra.nextReply()).text).toContain(`Anfrage #${requestId}, wartet seit 2 Tagen`);
  });

  it("the sponsor erases their data: the managers are told, in German and Russian", async () => {
    const sergej = fake.user({ id: 8551, firstName: "Сергей", languageCode: "ru" });
    const amal = fake.user({ id: 8552, firstName: "Amal", languageCode: "de" });
    const requestId = await matched(sergej, amal);
    skipManagers();
    sergej.send("/deleteme");
    await sergej.nextReply();
    sergej.tap(/^Да/);
    await sergej.nextReply();
    expect((await amal.nextReply()).text).toContain("Eine Patenschaft, an der Sie beteiligt waren, ist beendet.");
    expect((await petra.nextReply()).text).toContain(`🔁 Anfrage #${requestId} ist wieder in der Warteschlange`);
    expect((await irina.nextReply()).text).toContain(`🔁 Заявка #${requestId} снова в очереди`);
    expect((await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("open");
  });

  it("the family withdraws: nothing is back in the queue, the managers are not bothered", async () => {
    const jens = fake.user({ id: 8561, firstName: "Jens", languageCode: "de" });
    const vera = fake.user({ id: 8562, firstName: "Вера", languageCode: "ru" });
    await matched(jens, vera);
    skipManagers();
    vera.send("/sponsorship");
    await vera.nextReply();
    vera.tap("🚪 Отозвать заявку");
    await vera.nextReply();
    vera.tap("Да, точно");
    await vera.nextReply();
    await jens.nextReply();
    await petra.expectNoReply(300);
    await irina.expectNoReply(100);
  });
});
