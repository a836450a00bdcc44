import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { createCourse } from "../../src/features/courses/management/service.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { courseInput, OFFICE as manager } from "../support/fixtures.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const NOW = new Date("2026-11-25T10:00:00Z");
const MANAGER_ID = 6001;
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => NOW, adminTelegramIds: [MANAGER_ID] }));
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** From /courses to the course's details. */
async function openCourse(user: TelegramUser, categoryLabel: RegExp, courseLabel: RegExp) {
  user.send("/courses");
  const categories = await user.nextReply();
  user.tap(categoryLabel);
  const list = await user.nextReply();
  user.tap(courseLabel);
  const details = await user.nextReply();
  return { categories, list, details };
}

describe("residents and courses, in German and Russian", () => {
  it("browse → register → waitlist → withdraw → promotion, /mycourses", async () => {
    const course = await createCourse(db, manager, courseInput({ capacity: 1 }), "Europe/Berlin");

    const anna = fake.user({ id: 6101, firstName: "Anna", lastName: "Schmidt", languageCode: "de" });
    await onboard(anna);
    anna.tap("📚 Kurse"); // from the main menu
    const categories = await anna.nextReply();
    anna.tap(/^🇩🇪 Deutschkurse/);
    const list = await anna.nextReply();
    anna.tap(/^Deutsch A1/);
    const details = await anna.nextReply();
    expect(categories.buttons.flat().map((button) => button.text)).toContain("🇩🇪 Deutschkurse (1)");
    expect(list.buttons[0]?.[0]?.text).toBe("Deutsch A1 – Alltag · noch 1 Platz frei");
    expect(details.text).toContain("Deutsch für den Alltag in Belm.");
    expect(details.text).toContain("Di., 1. Dezember um 09:00"); // Berlin time, German format

    anna.tap("✍️ Anmelden");
    expect((await anna.nextReply()).text).toContain("vollständiger Name");
    anna.send("A");
    expect((await anna.nextReply()).text).toContain("Vor- und Nachnamen");
    anna.tap("✅ „Anna Schmidt“ übernehmen");
    expect((await anna.nextReply()).text).toContain("Telefonnummer");
    anna.send("call me maybe");
    expect((await anna.nextReply()).text).toContain("sieht nicht wie eine Telefonnummer aus");
    anna.send("0170 1234567");
    expect((await anna.nextReply()).text).toContain("Wie gut sprechen Sie schon Deutsch");
    anna.tap(/^A1/);
    const summary = await anna.nextReply();
    expect(summary.text).toContain("👤 Anna Schmidt");
    expect(summary.text).toContain("📞 0170 1234567");
    anna.tap("✅ Verbindlich anmelden");
    await anna.nextReply(); // buttons removed from the summary
    expect((await anna.nextReply()).text).toBe(
      "🎉 Geschafft! Sie sind für „Deutsch A1 – Alltag“ angemeldet. Ich erinnere Sie vor den Terminen.",
    );

    const olga = fake.user({ id: 6102, firstName: "Ольга", lastName: "Иванова", languageCode: "ru" });
    await onboard(olga);
    const russian = await openCourse(olga, /^🇩🇪 Немецкий язык/, /^Немецкий A1/);
    expect(russian.list.buttons[0]?.[0]?.text).toBe("Немецкий A1 — быт · мест нет");
    expect(russian.details.text).toContain("вт, 1 декабря в 09:00");
    olga.tap("✍️ Записаться");
    await olga.nextReply();
    olga.send("Ольга Иванова");
    await olga.nextReply();
    olga.tap("Продолжить без телефона");
    await olga.nextReply();
    olga.tap(/^A2/);
    expect((await olga.nextReply()).text).toContain("Пожалуйста, проверьте вашу заявку");
    olga.tap("✅ Записаться окончательно");
    await olga.nextReply();
    expect((await olga.nextReply()).text).toContain("в листе ожидания под номером 1");

    olga.send("/mycourses");
    expect((await olga.nextReply()).text).toContain("⏳ Немецкий A1 — быт\n    Лист ожидания, место 1");

    anna.send("/mycourses");
    const mine = await anna.nextReply();
    expect(mine.text).toContain("✅ Deutsch A1 – Alltag\n    Nächster Termin: Di., 1. Dezember um 09:00");
    anna.tap("🚪 Abmelden: Deutsch A1 – Alltag");
    expect((await anna.nextReply()).text).toContain("wirklich von „Deutsch A1 – Alltag“ abmelden");
    anna.tap("Ja, abmelden");
    expect((await anna.nextReply()).text).toBe("Sie sind von „Deutsch A1 – Alltag“ abgemeldet. Alles Gute!");

    expect((await olga.nextReply()).text).toBe(
      "🎉 Хорошая новость: на курсе «Немецкий A1 — быт» освободилось место — теперь вы записаны!",
    );
    olga.send("/mycourses");
    expect((await olga.nextReply()).text).toContain(
      "✅ Немецкий A1 — быт\n    Следующее занятие: вт, 1 декабря в 09:00",
    );

    const enrollments = await db.enrollment.findMany({ where: { courseId: course.id }, orderBy: { id: "asc" } });
    expect(enrollments.map((enrollment) => [enrollment.fullName, enrollment.status, enrollment.germanLevel])).toEqual([
      ["Anna Schmidt", "withdrawn", "A1"],
      ["Ольга Иванова", "active", "A2"],
    ]);
  });

  it("refuses a second registration for the same course politely", async () => {
    await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Berufsdeutsch B1", titleRu: "Немецкий для работы B1", capacity: 5 }),
      "Europe/Berlin",
    );
    const user = fake.user({ id: 6103, firstName: "Ilja", lastName: "Kowalski", languageCode: "de" });
    await onboard(user);
    for (let attempt = 0; attempt < 2; attempt++) {
      await openCourse(user, /^🇩🇪 Deutschkurse/, /^Berufsdeutsch B1/);
      user.tap("✍️ Anmelden");
      await user.nextReply();
      user.tap(/übernehmen/);
      await user.nextReply();
      user.tap("Ohne Telefonnummer weiter");
      await user.nextReply();
      user.tap(/^B1/);
      await user.nextReply();
      user.tap("✅ Verbindlich anmelden");
      await user.nextReply();
      const answer = await user.nextReply();
      expect(answer.text).toContain(attempt === 0 ? "Geschafft" : "schon angemeldet");
    }
  });

  it("sends the schedule as a calendar file", async () => {
    const user = fake.user({ id: 6104, firstName: "Lea", languageCode: "de" });
    await onboard(user);
    await openCourse(user, /^🇩🇪 Deutschkurse/, /^Berufsdeutsch B1/);
    user.tap("📅 Termine als Kalenderdatei");
    const reply = await user.nextReply();
    const ics = reply.document?.bytes.toString("utf8") ?? "";
    expect(reply.document?.filename).toMatch(/\.ics$/);
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(9); // Tuesdays from 1 Dec 2026 to 26 Jan 2027
    expect(ics).toContain("DTSTART:20261201T080000Z");
  });

  it("/cancel leaves the registration without storing anything", async () => {
    const user = fake.user({ id: 6105, firstName: "Sergej", lastName: "Wolf", languageCode: "ru" });
    await onboard(user);
    await openCourse(user, /^🇩🇪 Немецкий язык/, /^Немецкий для работы/);
    user.tap("✍️ Записаться");
    await user.nextReply();
    user.send("/cancel");
    expect((await user.nextReply()).text).toBe("Отменено. Ничего не сохранено.");
    const person = await db.person.findUniqueOrThrow({ where: { telegramId: 6105n } });
    expect(await db.enrollment.count({ where: { personId: person.id } })).toBe(0);
  });

  it("asks for consent before registering", async () => {
    const user = fake.user({ id: 6106, firstName: "Max", languageCode: "de" });
    user.send("/courses");
    await user.nextReply();
    user.tap(/^🇩🇪 Deutschkurse/);
    await user.nextReply();
    user.tap(/^Berufsdeutsch B1/);
    await user.nextReply();
    user.tap("✍️ Anmelden");
    expect((await user.nextReply()).text).toContain("Dafür brauche ich zuerst Ihre Einwilligung");
  });
});

describe("long lists and settings", () => {
  it("pages a long course list and switches course reminders off and on", async () => {
    for (let index = 1; index <= 6; index++) {
      await createCourse(
        db,
        manager,
        courseInput({
          titleDe: `Abschlusskurs ${index}`,
          titleRu: `Курс аттестата ${index}`,
          category: "school_certificate",
        }),
        "Europe/Berlin",
      );
    }
    const user = fake.user({ id: 6301, firstName: "Nora", languageCode: "de" });
    await onboard(user);
    user.send("/courses");
    await user.nextReply();
    user.tap("🎓 Schulabschluss (6)");
    const first = await user.nextReply();
    expect(first.text).toContain("Seite 1 von 2");
    expect(first.buttons.flat().filter((button) => button.text.startsWith("Abschlusskurs"))).toHaveLength(5);
    user.tap("Weiter ▶️");
    const second = await user.nextReply();
    expect(second.text).toContain("Seite 2 von 2");
    expect(second.buttons.flat().map((button) => button.text)).toEqual([
      "Abschlusskurs 6 · noch 3 Plätze frei",
      "◀️ Zurück",
      "⬅️ Alle Kursarten",
    ]);

    user.send("/mycourses");
    expect((await user.nextReply()).text).toContain("noch für keinen Kurs angemeldet");
    user.tap("🔔 Kurs-Erinnerungen: an (ausschalten)");
    const off = await user.nextReply();
    expect(off.buttons.flat().map((button) => button.text)).toContain("🔕 Kurs-Erinnerungen: aus (einschalten)");
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 6301n } })).courseReminders).toBe(false);
    user.tap("🔕 Kurs-Erinnerungen: aus (einschalten)");
    await user.nextReply();
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 6301n } })).courseReminders).toBe(true);
  });
});

describe("managers and forged buttons", () => {
  it("a resident's forged management buttons are refused and change nothing", async () => {
    const course = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Schutzkurs", titleRu: "Защитный курс", capacity: 4 }),
      "Europe/Berlin",
    );
    const user = fake.user({ id: 6201, firstName: "Eve", languageCode: "de" });
    await onboard(user);
    for (const data of [`mng_edit:capacity:${course.id}`, `mng:close_yes:${course.id}`, `mng:people:${course.id}`]) {
      const query = user.tapData(data);
      expect((await user.callbackAnswered(query)).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    }
    user.send("/managecourses");
    expect((await user.nextReply()).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    expect(await db.course.findUniqueOrThrow({ where: { id: course.id } })).toMatchObject({
      capacity: 4,
      status: "open",
    });
  });

  it("a manager removes a participant, cancels a session and creates a course in the bot", async () => {
    const course = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Lernwerkstatt", titleRu: "Учебная мастерская", capacity: 1, category: "other" }),
      "Europe/Berlin",
    );
    const member = fake.user({ id: 6202, firstName: "Rita", lastName: "Braun", languageCode: "de" });
    const waiting = fake.user({ id: 6203, firstName: "Пётр", lastName: "Орлов", languageCode: "ru" });
    for (const user of [member, waiting]) {
      await onboard(user);
      await openCourse(user, /^✨/, /^(Lernwerkstatt|Учебная мастерская)/);
      user.tap(/^✍️/);
      await user.nextReply();
      user.tap(/^✅/);
      await user.nextReply();
      user.tap(/^(Ohne|Продолжить)/);
      await user.nextReply();
      user.tap(/^✅/);
      await user.replies(2);
    }

    const boss = fake.user({ id: MANAGER_ID, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
    await onboard(boss);
    boss.send("/managecourses");
    await boss.nextReply();
    boss.tap("Lernwerkstatt");
    expect((await boss.nextReply()).text).toContain("1 von 1 Plätzen belegt, 1 auf der Warteliste");
    boss.tap("👥 Teilnehmende und Warteliste");
    const people = await boss.nextReply();
    expect(people.text).toContain("1. Rita Braun");
    expect(people.text).toContain("1. Пётр Орлов");
    boss.tap("❌ Rita Braun entfernen");
    await boss.nextReply();
    boss.tap("Ja, wirklich");
    expect((await boss.nextReply()).text).toBe("Die Person wurde aus dem Kurs genommen.");
    expect((await member.nextReply()).text).toContain("hat Ihre Anmeldung für „Lernwerkstatt“ beendet");
    expect((await waiting.nextReply()).text).toContain("освободилось место");

    boss.send("/managecourses");
    await boss.nextReply();
    boss.tap("Lernwerkstatt");
    await boss.nextReply();
    boss.tap("🗓 Termine");
    await boss.nextReply();
    boss.tap("❌ Di., 1. Dezember um 09:00");
    expect((await boss.nextReply()).text).toBe(
      "Den Termin von „Lernwerkstatt“ am Di., 1. Dezember um 09:00 wirklich absagen? Alle Teilnehmenden werden in ihrer Sprache benachrichtigt.",
    );
    boss.tap("Nein, zurück"); // back to this course, not to the list of all courses
    const backAtCourse = await boss.nextReply();
    expect(backAtCourse.text).toContain("Lernwerkstatt");
    expect(backAtCourse.buttons.flat().map((button) => button.text)).toContain("🗓 Termine");
    boss.tap("🗓 Termine");
    await boss.nextReply();
    boss.tap("❌ Di., 1. Dezember um 09:00");
    await boss.nextReply();
    boss.tap("Ja, wirklich");
    expect((await boss.nextReply()).text).toContain("abgesagt");
    expect((await waiting.nextReply()).text).toBe(
      "❗️ Занятие курса «Учебная мастерская» вт, 1 декабря в 09:00 отменяется.",
    );
    const firstSession = await db.courseSession.findFirstOrThrow({
      where: { courseId: course.id },
      orderBy: { startsAt: "asc" },
    });
    expect(firstSession.cancelledAt).toEqual(NOW);

    boss.send("/managecourses");
    await boss.nextReply();
    boss.tap("➕ Neuer Kurs");
    const answers: [string, RegExp][] = [
      ["Bewerbungstraining", /Russisch/],
      ["Тренинг по резюме", /Beschreibung auf Deutsch/],
      ["Wir schreiben gemeinsam Lebenslauf und Anschreiben.", /Beschreibung auf Russisch/],
      ["Вместе пишем резюме и сопроводительное письмо.", /Art von Kurs/],
    ];
    expect((await boss.nextReply()).text).toContain("Wie heißt der Kurs auf Deutsch");
    for (const [answer, next] of answers) {
      boss.send(answer);
      expect((await boss.nextReply()).text).toMatch(next);
    }
    boss.tap("🛠 Berufsvorbereitung");
    expect((await boss.nextReply()).text).toContain("Wie viele Plätze");
    boss.send("zwölf");
    expect((await boss.nextReply()).text).toBe("Bitte eine ganze Zahl von 1 bis 500.");
    boss.send("12");
    await boss.nextReply();
    boss.tap("75 % (üblich)");
    await boss.nextReply();
    boss.send("Rathaus Belm, Raum 2");
    await boss.nextReply();
    boss.send("31.02.2027");
    expect((await boss.nextReply()).text).toContain("kein gültiges Datum");
    boss.send("11.01.2027");
    await boss.nextReply();
    boss.send("29.03.2027");
    await boss.nextReply();
    boss.send("montags 9 bis 12");
    expect((await boss.nextReply()).text).toContain("Das verstehe ich nicht");
    boss.send("Mo 09:00-12:00; Do 13:00-15:30");
    const summary = await boss.nextReply();
    expect(summary.text).toContain("🗓 Termine: 23, vom 11. Januar 2027 bis 29. März 2027");
    boss.tap("✅ Kurs anlegen");
    await boss.nextReply();
    expect((await boss.nextReply()).text).toBe("Der Kurs „Bewerbungstraining“ ist angelegt, mit 23 Terminen.");
    const created = await db.course.findFirstOrThrow({
      where: { titleDe: "Bewerbungstraining" },
      include: { sessions: { orderBy: { startsAt: "asc" } } },
    });
    expect(created).toMatchObject({
      category: "vocational",
      capacity: 12,
      attendanceThreshold: 0.75,
      place: "Rathaus Belm, Raum 2",
    });
    expect(created.sessions.at(-1)?.startsAt.toISOString()).toBe("2027-03-29T07:00:00.000Z"); // 09:00 CEST
  });
});

describe("moving a single session", () => {
  it("a German manager moves a session; a Russian participant is told in Russian and the calendar keeps the UID", async () => {
    const course = await createCourse(
      db,
      manager,
      courseInput({ titleDe: "Nähcafé", titleRu: "Швейное кафе", capacity: 2, category: "other" }),
      "Europe/Berlin",
    );
    const olga = fake.user({ id: 6401, firstName: "Ольга", lastName: "Петрова", languageCode: "ru" });
    await onboard(olga);
    await openCourse(olga, /^✨/, /^Швейное кафе/);
    olga.tap(/^✍️/);
    await olga.nextReply();
    olga.tap(/^✅/);
    await olga.nextReply();
    olga.tap(/^Продолжить/);
    await olga.nextReply();
    olga.tap(/^✅/);
    await olga.replies(2);

    const office = fake.user({ id: 6402, firstName: "Mara", languageCode: "de" });
    await db.person.create({
      data: {
        telegramId: 6402n,
        chatId: 6402n,
        firstName: "Mara",
        language: "de",
        consentAt: NOW,
        roles: { create: { role: "manager" } },
      },
    });
    office.send("/managecourses");
    await office.nextReply();
    office.tap("Nähcafé");
    await office.nextReply();
    office.tap("🗓 Termine");
    const sessions = await office.nextReply();
    expect(sessions.buttons[0]?.map((button) => button.text)).toEqual(["❌ Di., 1. Dezember um 09:00", "🔁 Verlegen"]);
    office.tapOn(sessions.messageId, "🔁 Verlegen");
    expect((await office.nextReply()).text).toContain(
      "Auf wann soll der Termin von „Nähcafé“ am Di., 1. Dezember um 09:00 verlegt werden?",
    );
    office.send("morgen früh");
    expect((await office.nextReply()).text).toContain("24.12.2026 09:00-12:00");
    office.send("20.11.2026 09:00");
    expect((await office.nextReply()).text).toContain("in der Vergangenheit");
    await office.nextReply(); // asked again
    office.send("03.12.2026 14:00");
    expect((await office.nextReply()).text).toBe(
      "Den Termin von „Nähcafé“ von Di., 1. Dezember um 09:00 auf Do., 3. Dezember um 14:00 verlegen? Alle Teilnehmenden werden in ihrer Sprache benachrichtigt.",
    );
    office.tap("✅ Verlegen");
    const done = (await office.replies(2)).at(-1);
    expect(done?.text).toBe("Der Termin ist verlegt, die Teilnehmenden sind benachrichtigt.");
    expect((await olga.nextReply()).text).toBe(
      "🔁 Занятие курса «Швейное кафе» вт, 1 декабря в 09:00 переносится на чт, 3 декабря в 14:00.",
    );

    const moved = await db.courseSession.findFirstOrThrow({ where: { courseId: course.id }, orderBy: { id: "asc" } });
    expect(moved).toMatchObject({
      startsAt: new Date("2026-12-03T13:00:00Z"),
      endsAt: new Date("2026-12-03T16:00:00Z"),
      sequence: 1,
    });

    await openCourse(olga, /^✨/, /^Швейное кафе/);
    olga.tap(/^📅/);
    const ics = (await olga.nextReply()).document?.bytes.toString("utf8") ?? "";
    const event =
      ics.split("BEGIN:VEVENT").find((block) => block.includes(`UID:belm-course-${course.id}-session-${moved.id}@`)) ??
      "";
    expect(event).toContain("SEQUENCE:1");
    expect(event).toContain("DTSTART:20261203T130000Z");

    // /cancel leaves the next session where it was.
    office.send("/managecourses");
    await office.nextReply();
    office.tap("Nähcafé");
    await office.nextReply();
    office.tap("🗓 Termine");
    const again = await office.nextReply();
    expect(again.buttons[1]?.[0]?.text).toBe("❌ Di., 8. Dezember um 09:00");
    office.tapData(again.buttons[1]?.[1]?.data ?? "", again.messageId);
    expect((await office.nextReply()).text).toContain("Di., 8. Dezember um 09:00");
    office.send("/cancel");
    expect((await office.nextReply()).text).toBe("Abgebrochen. Es wurde nichts gespeichert.");
    const next = await db.courseSession.findFirstOrThrow({
      where: { courseId: course.id, id: { not: moved.id } },
      orderBy: { startsAt: "asc" },
    });
    expect(next).toMatchObject({ startsAt: new Date("2026-12-08T08:00:00Z"), sequence: 0 });
  });
});
