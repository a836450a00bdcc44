import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { saveAttendance } from "../../src/features/attendance/service.js";
import { register } from "../../src/features/courses/service.js";
import { createCourse } from "../../src/features/courses/management/service.js";
import { createJobs } from "../../src/bot/jobs.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import type { FakeTelegram } from "../support/fake-telegram.js";
import { courseInput, makePerson, OFFICE } from "../support/fixtures.js";
import type { TelegramUser } from "../support/user.js";

const MANAGER_ID = 7401;
/** Tuesday 1 December 2026, 10:30 in Berlin: the first session (09:00–12:00) is running. */
let now = new Date("2026-12-01T09:30:00Z");
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now, adminTelegramIds: [MANAGER_ID] }));
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** Enrolls people directly (they need no chat with the bot); returns their enrollment ids in order. */
async function enroll(courseId: number, names: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    const person = await makePerson(db, { name });
    const result = await register(
      db,
      { courseId, personId: person.id, fullName: name, phone: undefined, germanLevel: undefined },
      new Date("2026-11-01T10:00:00Z"),
    );
    if (result.outcome !== "enrolled") throw new Error(`${name} got no seat`);
    ids.push(result.enrollment.id);
  }
  return ids;
}

function labels(reply: { buttons: { text: string }[][] }): string[] {
  return reply.buttons.flat().map((button) => button.text);
}

describe("an instructor marks attendance in German", () => {
  let ingrid: TelegramUser;
  let courseId: number;

  it("opens today's session, marks 40 people on four pages in one message and saves", async () => {
    ingrid = fake.user({ id: 7411, firstName: "Ingrid", lastName: "Lehmann", languageCode: "de" });
    await onboard(ingrid);
    const instructor = await db.person.findUniqueOrThrow({ where: { telegramId: 7411n } });
    await db.roleGrant.create({ data: { personId: instructor.id, role: "instructor" } });
    const course = await createCourse(
      db,
      OFFICE,
      courseInput({ titleDe: "Deutsch B1 – Beruf", capacity: 40, instructorId: instructor.id }),
      "Europe/Berlin",
    );
    courseId = course.id;
    const names = Array.from({ length: 40 }, (_, index) => `Teilnehmerin ${String(index + 1).padStart(2, "0")}`);
    const enrollmentIds = await enroll(course.id, names);

    ingrid.send("/attendance");
    const today = await ingrid.nextReply();
    expect(today.text).toContain("Die Termine von heute");
    expect(labels(today)).toEqual([
      "⬜ Di., 1. Dezember um 09:00 · Deutsch B1 – Beruf",
      "🗂 Alle Kurse: ältere Termine und Abschlüsse",
    ]);

    ingrid.tap(/^⬜ Di\., 1\. Dezember/);
    const sheet = await ingrid.nextReply();
    expect(sheet.edited).toBe(true);
    expect(sheet.messageId).toBe(today.messageId);
    expect(sheet.text).toContain(
      "📝 Deutsch B1 – Beruf\n🗓 Di., 1. Dezember um 09:00\n🔒 Änderbar bis Di., 8. Dezember um 09:00.",
    );
    expect(sheet.text).toContain("✅ 0 anwesend · ❌ 0 fehlen · 🟡 0 entschuldigt · ⬜ 40 offen\nSeite 1 von 4");
    expect(labels(sheet)).toEqual([
      ...names.slice(0, 10).map((name) => `⬜ ${name}`),
      "Weiter ▶️",
      "✅ Alle anwesend",
      "💾 Speichern",
      "✖️ Abbrechen",
    ]);

    // One tap goes ✅ → ❌ → 🟡 → ✅; every tap edits the same message.
    ingrid.tap("⬜ Teilnehmerin 01");
    expect(labels(await ingrid.nextReply())[0]).toBe("✅ Teilnehmerin 01");
    ingrid.tap("✅ Teilnehmerin 01");
    expect(labels(await ingrid.nextReply())[0]).toBe("❌ Teilnehmerin 01");
    ingrid.tap("❌ Teilnehmerin 01");
    const excused = await ingrid.nextReply();
    expect(labels(excused)[0]).toBe("🟡 Teilnehmerin 01");
    expect(excused.text).toContain("✅ 0 anwesend · ❌ 0 fehlen · 🟡 1 entschuldigt · ⬜ 39 offen");

    ingrid.send("Teilnehmerin 02 ist krank");
    expect((await ingrid.nextReply()).text).toBe(
      "Bitte tippen Sie auf einen der Knöpfe oben – oder senden Sie /cancel, um abzubrechen.",
    );

    ingrid.tap("✅ Alle anwesend");
    const allPresent = await ingrid.nextReply();
    expect(allPresent.text).toContain("✅ 40 anwesend · ❌ 0 fehlen · 🟡 0 entschuldigt · ⬜ 0 offen");
    expect(
      labels(allPresent)
        .slice(0, 10)
        .every((label) => label.startsWith("✅ ")),
    ).toBe(true);

    ingrid.tap("Weiter ▶️");
    const second = await ingrid.nextReply();
    expect(second.text).toContain("Seite 2 von 4");
    expect(labels(second)).toEqual([
      ...names.slice(10, 20).map((name) => `✅ ${name}`),
      "◀️ Zurück",
      "Weiter ▶️",
      "✅ Alle anwesend",
      "💾 Speichern",
      "✖️ Abbrechen",
    ]);
    ingrid.tap("✅ Teilnehmerin 12");
    const marked = await ingrid.nextReply();
    expect(marked.text).toContain("Seite 2 von 4");
    expect(labels(marked)[1]).toBe("❌ Teilnehmerin 12");

    ingrid.tap("Weiter ▶️");
    await ingrid.nextReply();
    ingrid.tap("Weiter ▶️");
    const last = await ingrid.nextReply();
    expect(last.text).toContain("Seite 4 von 4");
    expect(labels(last).slice(0, 11)).toEqual([...names.slice(30, 40).map((name) => `✅ ${name}`), "◀️ Zurück"]);
    ingrid.tap("✅ Teilnehmerin 40");
    await ingrid.nextReply();
    ingrid.tap("❌ Teilnehmerin 40");
    expect((await ingrid.nextReply()).text).toContain("✅ 38 anwesend · ❌ 1 fehlen · 🟡 1 entschuldigt · ⬜ 0 offen");

    ingrid.tap("💾 Speichern");
    const saved = await ingrid.nextReply();
    expect(saved.messageId).toBe(today.messageId);
    expect(saved.text).toBe(
      "💾 Anwesenheit gespeichert: Deutsch B1 – Beruf, Di., 1. Dezember um 09:00\n\n✅ 38 anwesend\n❌ 1 fehlen\n🟡 1 entschuldigt",
    );
    expect(labels(saved)).toEqual(["⬅️ Zu den Terminen des Kurses", "📝 Termine von heute"]);

    const rows = await db.attendance.findMany({
      where: { enrollmentId: { in: enrollmentIds } },
      orderBy: { enrollmentId: "asc" },
    });
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row.markedById === instructor.id && row.markedAt.getTime() === now.getTime())).toBe(
      true,
    );
    const statusOf = (index: number) => rows.find((row) => row.enrollmentId === enrollmentIds[index])?.status;
    expect([statusOf(0), statusOf(1), statusOf(11), statusOf(39)]).toEqual(["present", "present", "absent", "excused"]);
    const session = await db.courseSession.findFirstOrThrow({
      where: { courseId: course.id },
      orderBy: { startsAt: "asc" },
    });
    expect(session.attendanceTakenAt).toEqual(now);

    // Saved sessions stay in today's list, marked as done, and reopen with the saved marks.
    ingrid.tap("📝 Termine von heute");
    expect(labels(await ingrid.nextReply())[0]).toBe("✅ Di., 1. Dezember um 09:00 · Deutsch B1 – Beruf");
  });

  it("tells the instructor that a session older than 7 days is locked", async () => {
    now = new Date("2026-12-08T09:30:00Z"); // a week later, 10:30: the next session is today
    ingrid.send("/attendance");
    expect(labels(await ingrid.nextReply())[0]).toBe("⬜ Di., 8. Dezember um 09:00 · Deutsch B1 – Beruf");
    ingrid.tap("🗂 Alle Kurse: ältere Termine und Abschlüsse");
    expect((await ingrid.nextReply()).text).toBe("🗂 Für welchen Kurs? (Seite 1 von 1)");
    ingrid.tap("Deutsch B1 – Beruf");
    const sessions = await ingrid.nextReply();
    expect(sessions.text).toContain("🗂 Deutsch B1 – Beruf\nTermine bis heute");
    expect(labels(sessions)).toEqual([
      "⬜ Di., 8. Dezember um 09:00",
      "🔒 Di., 1. Dezember um 09:00",
      "🎓 Abschlüsse und Ergebnisse",
      "⬅️ Alle Kurse",
    ]);
    ingrid.tap("🔒 Di., 1. Dezember um 09:00");
    expect((await ingrid.nextReply()).text).toBe(
      "🔒 Der Termin vom Di., 1. Dezember um 09:00 liegt mehr als 7 Tage zurück und ist gesperrt. Ändern kann ihn jetzt nur noch das Quartiersmanagement – bitte melden Sie sich dort.",
    );
    // A forged "save" of the locked session changes nothing either.
    const session = await db.courseSession.findFirstOrThrow({ where: { courseId }, orderBy: { startsAt: "asc" } });
    const before = await db.attendance.findMany({ where: { sessionId: session.id } });
    const query = ingrid.tapData(`att_ck:${session.id}:save:0`);
    expect((await ingrid.callbackAnswered(query)).text).toBe(
      "Dieser Knopf ist nicht mehr gültig. Bitte nutzen Sie das aktuelle Menü.",
    );
    expect(await db.attendance.findMany({ where: { sessionId: session.id } })).toEqual(before);

    // Another instructor's session, opened with forged callback data: refused, and nothing is left hanging.
    const foreign = await createCourse(db, OFFICE, courseInput({ titleDe: "Fremder Kurs" }), "Europe/Berlin");
    const foreignSession = await db.courseSession.findFirstOrThrow({
      where: { courseId: foreign.id },
      orderBy: { startsAt: "asc" },
    });
    ingrid.tapData(`att:open:${foreignSession.id}:0`);
    expect((await ingrid.nextReply()).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    ingrid.send("/attendance");
    expect(labels(await ingrid.nextReply())[0]).toBe("⬜ Di., 8. Dezember um 09:00 · Deutsch B1 – Beruf");
  });
});

describe("a manager records outcomes in Russian", () => {
  let boss: TelegramUser;
  let irina: number | undefined;

  it("marks a participant of an ended vocational course as completed, with employment", async () => {
    const course = await createCourse(
      db,
      OFFICE,
      courseInput({
        titleDe: "Bewerbungstraining",
        titleRu: "Тренинг по резюме",
        category: "vocational",
        firstDay: { year: 2026, month: 11, day: 2 },
        lastDay: { year: 2026, month: 11, day: 30 },
        weekly: [{ weekday: 1, from: "13:00", to: "15:00" }],
      }),
      "Europe/Berlin",
    );
    [irina] = await enroll(course.id, ["Ирина Волкова", "Павел Орлов"]);

    boss = fake.user({ id: MANAGER_ID, firstName: "Наталья", lastName: "Беккер", languageCode: "ru" });
    await onboard(boss);
    boss.send("/attendance");
    await boss.nextReply();
    boss.tap("🗂 Все курсы: прошлые занятия и итоги");
    const courses = await boss.nextReply();
    expect(labels(courses)).toContain("Тренинг по резюме (завершён)");
    boss.tap("Тренинг по резюме (завершён)");
    await boss.nextReply();
    boss.tap("🎓 Итоги участия");
    const list = await boss.nextReply();
    expect(list.text).toContain("🎓 Итоги: Тренинг по резюме\nКурс завершён.");
    expect(labels(list)).toEqual([
      "▫️ Ирина Волкова · ещё ничего не отмечено",
      "▫️ Павел Орлов · ещё ничего не отмечено",
      "⬅️ К занятиям курса",
    ]);

    boss.tap("▫️ Ирина Волкова · ещё ничего не отмечено");
    const person = await boss.nextReply();
    expect(person.text).toBe(
      "👤 Ирина Волкова\nТренинг по резюме\nСтатус: учится\nПосещаемость: ещё ни одного отмеченного занятия\nПри выходе: не указано",
    );
    boss.tap("🎓 Завершил(а)");
    const question = await boss.nextReply();
    expect(question.text).toBe("Ирина Волкова: курс завершён. Что дальше — работа, учёба?");
    expect(labels(question)).toEqual([
      "профобучение (Ausbildung)",
      "работа",
      "дальнейшая учёба",
      "пока ничего",
      "⬅️ Назад",
    ]);
    const press = boss.tap("работа");
    expect((await boss.callbackAnswered(press)).text).toBe("Сохранено: Ирина Волкова — курс завершён.");
    expect(labels(await boss.nextReply())[0]).toBe("🎓 Ирина Волкова · ещё ничего не отмечено · работа");

    expect(await db.enrollment.findUniqueOrThrow({ where: { id: irina } })).toMatchObject({
      status: "completed",
      statusSetByHand: true,
      outcomeAtLeaving: "employment",
      endedAt: now,
    });
  });

  it("is asked six months later, through the reminder job, and answers with one tap", async () => {
    now = new Date("2027-06-08T08:00:00Z"); // 10:00 in Berlin, six months after Irina left on 8 December
    const reminders = createJobs(
      { db, clock: () => now, logger: running.logger, timeZone: "Europe/Berlin", adminTelegramIds: [MANAGER_ID] },
      running.bot.api,
    ).find((job) => job.name === "reminders");
    await reminders?.run();
    const question = await boss.nextReply();
    expect(question.text).toBe(
      "📋 Вопрос через полгода\n\nИрина Волкова, курс «Тренинг по резюме»: участие закончилось 8 декабря 2026 г. (курс завершён; тогда: работа).\nЧем Ирина Волкова занимается сейчас?",
    );
    boss.tap("профобучение (Ausbildung)");
    expect((await boss.nextReply()).text).toBe("Спасибо! Записано: Ирина Волкова — профобучение (Ausbildung).");
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: irina } })).toMatchObject({
      outcomeAtLeaving: "employment",
      outcomeAfter6m: "apprenticeship",
    });
  });

  it("closes an ended course now, records a six-month status from the outcomes screen and hands the course to another instructor", async () => {
    now = new Date("2027-06-08T08:00:00Z"); // Tuesday; the course's last day was Monday 31 May
    const course = await createCourse(
      db,
      OFFICE,
      courseInput({
        titleDe: "Pflegehilfe Grundkurs",
        titleRu: "Основы ухода",
        category: "vocational",
        firstDay: { year: 2027, month: 5, day: 3 },
        lastDay: { year: 2027, month: 5, day: 31 },
        weekly: [{ weekday: 1, from: "09:00", to: "12:00" }],
      }),
      "Europe/Berlin",
    );
    const [anna, bernd] = (await enroll(course.id, ["Анна Шульц", "Бернд Майер"])) as [number, number];
    const manager = await db.person.findUniqueOrThrow({
      where: { telegramId: BigInt(MANAGER_ID) },
      include: { roles: true },
    });
    const actor = { id: manager.id, roles: manager.roles.map((grant) => grant.role) };
    for (const session of await db.courseSession.findMany({ where: { courseId: course.id } })) {
      await saveAttendance(
        db,
        actor,
        session.id,
        [
          { enrollmentId: anna, status: "present" },
          { enrollmentId: bernd, status: "absent" },
        ],
        session.endsAt,
        "Europe/Berlin",
      );
    }

    boss.send("/managecourses");
    await boss.nextReply();
    boss.tap("Основы ухода");
    const screen = await boss.nextReply();
    expect(labels(screen)).toContain("🎓 Завершить сейчас");
    boss.tap("🎓 Завершить сейчас");
    expect((await boss.nextReply()).text).toContain("Завершить курс сейчас?");
    boss.tap("Да, точно");
    const closed = await boss.nextReply();
    expect(closed.text).toBe("Готово: 1 завершили, 1 прервали.");
    expect(
      await db.enrollment.findMany({
        where: { id: { in: [anna, bernd] } },
        orderBy: { id: "asc" },
        select: { status: true },
      }),
    ).toEqual([{ status: "completed" }, { status: "dropped" }]);

    boss.tap("🎓 Итоги участия");
    await boss.nextReply(); // the list
    boss.tap(/^🎓 Анна Шульц/u);
    const person = await boss.nextReply();
    expect(person.text).toContain("👤 Анна Шульц");
    boss.tap("📋 Внести положение через полгода");
    const question = await boss.nextReply();
    expect(question.text).toBe("Чем Анна Шульц занимается сейчас, примерно через полгода после курса?");
    boss.tap("работа");
    expect((await boss.nextReply()).text).toBe("Спасибо! Записано: Анна Шульц — работа.");
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: anna } })).toMatchObject({
      outcomeAfter6m: "employment",
    });

    const newInstructor = await makePerson(db, { name: "Клара" });
    await db.roleGrant.create({ data: { personId: newInstructor.id, role: "instructor" } });
    boss.send("/managecourses");
    await boss.nextReply();
    boss.tap("Основы ухода");
    await boss.nextReply();
    boss.tap("👩‍🏫 Сменить преподавателя");
    const choice = await boss.nextReply();
    expect(choice.text).toBe("Кто ведёт курс?");
    boss.tap("Клара");
    expect((await boss.nextReply()).text).toBe("Сохранено: преподаватель курса изменён.");
    expect((await db.course.findUniqueOrThrow({ where: { id: course.id } })).instructorId).toBe(newInstructor.id);
  });
});
