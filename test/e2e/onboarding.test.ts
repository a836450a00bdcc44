import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { onboard, startTestBot, type RunningTestBot } from "../support/app.js";
import { createTestDb } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { waitFor } from "../support/user.js";

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
let nextUserId = 5000;

beforeAll(async () => {
  fake = await FakeTelegram.start();
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
  await fake.stop();
});
beforeEach(() => {
  running = startTestBot(fake, db);
});
afterEach(async () => {
  await running.stop();
});

function newUser(languageCode: string | undefined, firstName = "Anna") {
  return fake.user({ id: ++nextUserId, firstName, lastName: "Schmidt", username: `user${nextUserId}`, languageCode });
}

async function personOf(user: { id: number }) {
  return db.person.findUnique({ where: { telegramId: BigInt(user.id) } });
}

describe("onboarding", () => {
  it("welcomes a German speaker, asks for consent and shows the menu", async () => {
    const anna = newUser("de");
    anna.send("/start");
    const welcome = await anna.nextReply();
    expect(welcome.text).toContain("Willkommen beim Quartiersmanagement Belm");
    expect(welcome.buttons.flat().map((button) => button.text)).toEqual([
      "Deutsch",
      "Русский",
      "Українська",
      "English",
      "Weiter ➜",
    ]);

    anna.tap("Weiter ➜");
    expect((await anna.nextReply()).edited).toBe(true); // the language buttons disappear
    const privacy = await anna.nextReply();
    expect(privacy.text).toContain("Datenschutz");
    expect(await personOf(anna)).toMatchObject({ consentAt: null, firstName: null, lastName: null, username: null });

    anna.tap("✅ Ich bin einverstanden");
    await anna.nextReply(); // consent buttons removed
    expect((await anna.nextReply()).text).toBe("Danke, Anna! Schön, dass Sie da sind.");
    const menu = await anna.nextReply();
    expect(menu.text).toBe("Was möchten Sie tun?");
    expect(menu.buttons.flat().map((button) => button.text)).toEqual([
      "📚 Kurse",
      "🎉 Veranstaltungen",
      "🤝 Patenschaft",
      "🔒 Meine Daten",
      "🌐 Sprache / Language",
      "❓ Hilfe",
    ]);

    const person = await personOf(anna);
    expect(person?.consentAt).toBeInstanceOf(Date);
    expect(person).toMatchObject({ firstName: "Anna", lastName: "Schmidt", language: "de" });
  });

  it("speaks Russian to a Russian speaker from the first message", async () => {
    const olga = newUser("ru", "Ольга");
    olga.send("/start");
    expect((await olga.nextReply()).text).toContain("Добро пожаловать");
    olga.tap("Далее ➜");
    await olga.nextReply();
    expect((await olga.nextReply()).text).toContain("защита данных");
    olga.tap("✅ Я согласен / согласна");
    await olga.nextReply();
    expect((await olga.nextReply()).text).toBe("Спасибо, Ольга! Рады, что вы с нами.");
    const menu = await olga.nextReply();
    expect(menu.text).toBe("Что вы хотите сделать?");
    expect(menu.buttons.flat().map((button) => button.text)).toEqual([
      "📚 Курсы",
      "🎉 Мероприятия",
      "🤝 Наставничество",
      "🔒 Мои данные",
      "🌐 Язык / Language",
      "❓ Помощь",
    ]);
    expect((await personOf(olga))?.language).toBe("ru");
  });

  it("switches language in the middle of onboarding", async () => {
    const user = newUser("fr", "Sam");
    user.send("/start");
    expect((await user.nextReply()).text).toContain("Welcome to the Quartiersmanagement"); // languages the bot lacks get English
    user.tap("Русский");
    const edited = await user.nextReply();
    expect(edited.edited).toBe(true);
    expect(edited.text).toContain("Добро пожаловать");
    expect(edited.buttons.flat().map((button) => button.text)).toContain("Далее ➜");
    user.tap("Далее ➜");
    await user.nextReply();
    expect((await user.nextReply()).text).toContain("Вы согласны?");
    expect((await personOf(user))?.language).toBe("ru");
  });

  it("speaks Ukrainian to a Ukrainian speaker and Russian to a Kazakh one, and offers the switch first", async () => {
    const oksana = newUser("uk", "Оксана");
    oksana.send("/start");
    const welcome = await oksana.nextReply();
    expect(welcome.text).toContain("Ласкаво просимо");
    expect(welcome.buttons.flat().map((button) => button.text)).toEqual([
      "Deutsch",
      "Русский",
      "Українська",
      "English",
      "Далі ➜",
    ]);
    oksana.tap("Далі ➜");
    await oksana.nextReply();
    expect((await oksana.nextReply()).text).toContain("Ви згодні?");
    oksana.tap("✅ Я згоден / згодна");
    await oksana.nextReply();
    expect((await oksana.nextReply()).text).toBe("Дякую, Оксана! Раді, що ви з нами.");
    const menu = await oksana.nextReply();
    expect(menu.buttons.flat().map((button) => button.text)).toEqual([
      "📚 Курси",
      "🎉 Заходи",
      "🤝 Наставництво",
      "🔒 Мої дані",
      "🌐 Мова / Language",
      "❓ Довідка",
    ]);
    expect((await personOf(oksana))?.language).toBe("uk");

    const aigul = newUser("kk", "Айгуль");
    aigul.send("/start");
    expect((await aigul.nextReply()).text).toContain("Добро пожаловать");
    expect((await personOf(aigul))?.language).toBe("ru");
  });

  it("stores nothing beyond the Telegram id when consent is refused", async () => {
    const user = newUser("de", "Karl");
    user.send("/start");
    await user.nextReply();
    user.tap("Weiter ➜");
    await user.replies(2);
    user.tap("Nein, danke");
    await user.nextReply();
    expect((await user.nextReply()).text).toContain("Ohne Ihre Einwilligung");
    const person = await personOf(user);
    expect(person).toMatchObject({ consentAt: null, firstName: null, lastName: null, username: null, phone: null });
    await expectNoConversationState(user.id);
  });

  it("/cancel in the middle of onboarding returns to a clean state", async () => {
    const user = newUser("de", "Lena");
    user.send("/start");
    await user.nextReply();
    user.tap("Weiter ➜");
    await user.replies(2);
    user.send("/cancel");
    expect((await user.nextReply()).text).toBe("Abgebrochen. Es wurde nichts gespeichert.");
    await expectNoConversationState(user.id);

    const queryId = user.tap("✅ Ich bin einverstanden"); // the old button still shows
    expect((await user.callbackAnswered(queryId)).text).toBe(
      "Dieser Knopf ist nicht mehr gültig. Bitte nutzen Sie das aktuelle Menü.",
    );
    expect((await personOf(user))?.consentAt).toBeNull();

    user.send("/cancel");
    expect((await user.nextReply()).text).toBe("Gerade läuft kein Vorgang, den ich abbrechen könnte.");
    user.send("/start");
    expect((await user.nextReply()).text).toContain("Willkommen");
  });

  it("continues a conversation after the bot restarts", async () => {
    const user = newUser("ru", "Ирина");
    user.send("/start");
    await user.nextReply();
    user.tap("Далее ➜");
    await user.replies(2);
    const stored = await db.conversationState.findUniqueOrThrow({ where: { key: String(user.id) } });
    expect(stored.value).not.toContain("Ирина"); // no names in conversation state before consent

    await running.stop();
    running = startTestBot(fake, db); // a new instance on the same database
    user.tap("✅ Я согласен / согласна");
    await user.nextReply();
    expect((await user.nextReply()).text).toBe("Спасибо, Ирина! Рады, что вы с нами.");
    expect((await personOf(user))?.consentAt).toBeInstanceOf(Date);
  });

  it("greets a returning person with the menu", async () => {
    const user = newUser("de", "Mira");
    await onboard(user);
    user.send("/start");
    expect((await user.nextReply()).text).toBe("Willkommen zurück, Mira!");
    expect((await user.nextReply()).text).toBe("Was möchten Sie tun?");
  });

  it("makes configured admins managers at first contact", async () => {
    await running.stop();
    const admin = newUser("de", "Petra");
    running = startTestBot(fake, db, { adminTelegramIds: [admin.id] });
    admin.send("/start");
    await admin.nextReply();
    const person = await db.person.findUniqueOrThrow({
      where: { telegramId: BigInt(admin.id) },
      include: { roles: true },
    });
    expect(person.roles.map((grant) => grant.role)).toEqual(["manager"]);
  });
});

describe("language, help and the menu", () => {
  it("/language switches the whole conversation to the other language", async () => {
    const user = newUser("de", "Tom");
    await onboard(user);
    user.send("/language");
    const prompt = await user.nextReply();
    expect(prompt.text).toBe("In welcher Sprache soll ich mit Ihnen schreiben?");
    user.tap("Русский");
    expect((await user.nextReply()).text).toBe("Хорошо, теперь я пишу по-русски.");
    expect((await user.nextReply()).text).toBe("Что вы хотите сделать?");
    user.send("/help");
    expect((await user.nextReply()).text).toContain("Как работает бот");
    user.send("/language");
    await user.nextReply();
    user.tap("English");
    expect((await user.nextReply()).text).toBe("Fine. From now on I will write in English.");
    expect((await user.nextReply()).text).toBe("What would you like to do?");
    expect((await personOf(user))?.language).toBe("en");
  });

  it("opens help and comes back to the menu", async () => {
    const user = newUser("ru", "Павел");
    await onboard(user);
    user.tap("❓ Помощь");
    const help = await user.nextReply();
    expect(help.text).toContain("/deleteme");
    user.tap("⬅️ Назад в меню");
    expect((await user.nextReply()).text).toBe("Что вы хотите сделать?");
  });
});

describe("bad input", () => {
  it("answers everything sensibly in the person's language and stores nothing", async () => {
    const user = newUser("ru", "Дмитрий");
    user.send("/frobnicate");
    expect((await user.nextReply()).text).toBe("Такой команды я не знаю. Командой /help можно посмотреть, что я умею.");
    user.sendSticker();
    expect((await user.nextReply()).text).toContain("я не понял");
    user.sendPhoto();
    expect((await user.nextReply()).text).toContain("я не понял");
    user.send("x".repeat(4096));
    expect((await user.nextReply()).text).toContain("я не понял");
    user.send("   ");
    expect((await user.nextReply()).text).toContain("я не понял");
    user.send("שלום 👋🏽 مرحبا");
    expect((await user.nextReply()).text).toContain("я не понял");
    const forged = user.tapData("menu:drop_tables");
    expect((await user.callbackAnswered(forged)).text).toBe(
      "Эта кнопка больше не действует. Пожалуйста, воспользуйтесь актуальным меню.",
    );
    const garbage = user.tapData("\u0000:::");
    expect((await user.callbackAnswered(garbage)).text).toBe(
      "Эта кнопка больше не действует. Пожалуйста, воспользуйтесь актуальным меню.",
    );

    user.send("/help");
    expect((await user.nextReply()).text).toContain("Как работает бот"); // still up
    expect(await personOf(user)).toMatchObject({
      consentAt: null,
      firstName: null,
      lastName: null,
      username: null,
      phone: null,
    });
  });

  it("asks for the buttons when someone types during onboarding", async () => {
    const user = newUser("de", "Jana");
    user.send("/start");
    await user.nextReply();
    user.send("Hallo?");
    expect((await user.nextReply()).text).toBe(
      "Bitte tippen Sie auf einen der Knöpfe oben – oder senden Sie /cancel, um abzubrechen.",
    );
    user.sendSticker();
    expect((await user.nextReply()).text).toContain("/cancel");
    user.tap("Weiter ➜");
    await user.nextReply();
    expect((await user.nextReply()).text).toContain("Datenschutz");
  });

  it("logs a failing update with its id and tells the person politely", async () => {
    const scratch = createTestDb().db;
    await running.stop();
    running = startTestBot(fake, scratch);
    const user = newUser("de", "Uwe");
    user.send("/help");
    await user.nextReply();
    await scratch.$executeRawUnsafe('DROP TABLE "Enrollment"');
    const updateId = user.send("/mydata");
    expect((await user.nextReply()).text).toBe(
      "Entschuldigung, da ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
    );
    expect(running.logs.some((line) => line.message === "update failed" && line.updateId === updateId)).toBe(true);
    user.send("/help");
    expect((await user.nextReply()).text).toContain("So funktioniert"); // still up
    await running.stop();
    await scratch.$disconnect();
    running = startTestBot(fake, db);
  });
});

/** The plugin saves (or deletes) conversation state just after the last reply went out. */
async function expectNoConversationState(chatId: number): Promise<void> {
  await waitFor(async () => (await db.conversationState.count({ where: { key: String(chatId) } })) === 0);
}
