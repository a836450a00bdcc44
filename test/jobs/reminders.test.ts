import { GrammyError } from "grammy";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "../../src/db.js";
import type { CourseSession } from "../../src/generated/prisma/client.js";
import type { Language } from "../../src/i18n.js";
import { setCourseReminders, withdraw } from "../../src/features/courses/service.js";
import { cancelSession, createCourse } from "../../src/features/courses/management/service.js";
import type { Actor } from "../../src/people/roles.js";
import { createJobs } from "../../src/bot/jobs.js";
import { MAX_ATTEMPTS, runReminderJob, type ReminderRunCounts, type SendText } from "../../src/jobs/reminders.js";
import { silentLogger } from "../../src/logger.js";
import { isoWeekdayOf, parseIsoDay } from "../../src/time.js";
import { startTestBot } from "../support/app.js";
import { createTestDb } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";

const BERLIN = "Europe/Berlin";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const manager: Actor = { id: 1, roles: ["manager"] };

const EVENING_DE = "⏰ Erinnerung: Morgen ist Kurs!";
const SOON_DE = "⏰ Ihr Kurs beginnt bald:";

let db: Db;
let databaseUrl: string;
let nextTelegramId: number;

interface SendAttempt {
  at: string;
  chatId: number;
  text: string;
  failed: boolean;
}

/** Every call of the job's send function, also the failed ones. */
let sendAttempts: SendAttempt[];
/** Decides whether a send to a chat fails, and how. */
let failureFor: (chatId: number) => Error | undefined;

beforeEach(() => {
  ({ db, url: databaseUrl } = createTestDb());
  nextTelegramId = 900_001;
  sendAttempts = [];
  failureFor = () => undefined;
});
afterEach(async () => {
  await db.$disconnect();
});

// ───────────────────────────── fixtures ─────────────────────────────

/** A course with one session on `day` ("2026-03-30") from `from` to `to`, Berlin time. */
async function sessionOn(day: string, from: string, to: string): Promise<CourseSession> {
  const calendarDay = parseIsoDay(day);
  if (!calendarDay) throw new Error(`bad day ${day}`);
  const course = await createCourse(
    db,
    manager,
    {
      titleDe: "Deutsch A1 – Alltag",
      titleRu: "Немецкий A1 — быт",
      descriptionDe: "Kurs",
      descriptionRu: "Курс",
      category: "language",
      capacity: 20,
      attendanceThreshold: 0.75,
      place: "Integrationswerkstatt Belm",
      instructorId: null,
      firstDay: calendarDay,
      lastDay: calendarDay,
      weekly: [{ weekday: isoWeekdayOf(calendarDay), from, to }],
    },
    BERLIN,
  );
  return db.courseSession.findFirstOrThrow({ where: { courseId: course.id } });
}

interface ParticipantOptions {
  language?: Language;
  consent?: boolean;
  courseReminders?: boolean;
  telegramId?: number;
}

/** A person with an active enrollment in the session's course; their chat id is their Telegram id. */
async function participant(session: CourseSession, options: ParticipantOptions = {}) {
  const telegramId = options.telegramId ?? nextTelegramId++;
  const person = await db.person.create({
    data: {
      telegramId: BigInt(telegramId),
      chatId: BigInt(telegramId),
      language: options.language ?? "de",
      firstName: "Test",
      consentAt: options.consent === false ? null : new Date("2026-01-01T00:00:00Z"),
      courseReminders: options.courseReminders ?? true,
    },
  });
  const enrollment = await db.enrollment.create({
    data: {
      courseId: session.courseId,
      personId: person.id,
      status: "active",
      enrolledAt: new Date("2026-01-01T00:00:00Z"),
    },
  });
  return { person, enrollment, chatId: telegramId };
}

// ───────────────────────────── driving the job ─────────────────────────────

function recordingSend(now: Date): SendText {
  return async (chatId, text) => {
    const error = failureFor(chatId);
    sendAttempts.push({ at: now.toISOString(), chatId, text, failed: error !== undefined });
    if (error) throw error;
    return Promise.resolve();
  };
}

async function runAt(instants: readonly (string | Date)[], database: Db = db): Promise<ReminderRunCounts[]> {
  const counts: ReminderRunCounts[] = [];
  for (const instant of instants) {
    const now = new Date(instant);
    counts.push(
      await runReminderJob({ db: database, timeZone: BERLIN, logger: silentLogger }, recordingSend(now), now),
    );
  }
  return counts;
}

/** Instants from `from` to `to` (both included), `stepMinutes` apart. */
function every(stepMinutes: number, from: string | Date, to: string | Date): Date[] {
  const instants: Date[] = [];
  for (let time = new Date(from).getTime(); time <= new Date(to).getTime(); time += stepMinutes * MINUTE)
    instants.push(new Date(time));
  return instants;
}

/** Every minute from 15 minutes before to 3 minutes after `instant`. */
function minutesAround(instant: string): Date[] {
  const center = new Date(instant).getTime();
  return every(1, new Date(center - 15 * MINUTE), new Date(center + 3 * MINUTE));
}

/** Sorted, without repeats. */
function timeline(...parts: Date[][]): Date[] {
  const times = [...new Set(parts.flat().map((instant) => instant.getTime()))].sort((a, b) => a - b);
  return times.map((time) => new Date(time));
}

/** "<UTC instant> <first line>" of every message that reached `chatId`. */
function delivered(chatId: number): string[] {
  return sendAttempts
    .filter((attempt) => attempt.chatId === chatId && !attempt.failed)
    .map((attempt) => `${attempt.at} ${attempt.text.split("\n")[0]}`);
}

async function remindersOf(personId: number) {
  return db.reminder.findMany({ where: { personId }, orderBy: { dueAt: "asc" } });
}

// ───────────────────────────── tests ─────────────────────────────

describe("reminder times", () => {
  it.each([
    // name, session day, start (Berlin), evening reminder (UTC), 2-hour reminder (UTC)
    ["in winter (CET)", "2026-01-15", "10:00", "2026-01-14T17:00:00.000Z", "2026-01-15T07:00:00.000Z"],
    ["in summer (CEST)", "2026-07-15", "17:00", "2026-07-14T16:00:00.000Z", "2026-07-15T13:00:00.000Z"],
    [
      "the day after the clocks go forward",
      "2026-03-30",
      "09:00",
      "2026-03-29T16:00:00.000Z",
      "2026-03-30T05:00:00.000Z",
    ],
    ["the day after the clocks go back", "2026-10-26", "09:00", "2026-10-25T17:00:00.000Z", "2026-10-26T06:00:00.000Z"],
  ])(
    "sends each reminder once at 18:00 the day before and 2 hours before, %s",
    async (_name, day, start, evening, soon) => {
      const session = await sessionOn(day, start, "23:00");
      const { chatId } = await participant(session);
      const startsAt = session.startsAt.getTime();

      // Every hour from 40 hours before the start to an hour after it, every minute near the due times.
      await runAt(
        timeline(
          every(60, new Date(startsAt - 40 * HOUR), new Date(startsAt + HOUR)),
          minutesAround(evening),
          minutesAround(soon),
        ),
      );

      expect(delivered(chatId)).toEqual([`${evening} ${EVENING_DE}`, `${soon} ${SOON_DE}`]);
    },
  );
});

describe("restarts and downtime", () => {
  it("never sends a reminder twice, also after a restart on the same database", async () => {
    const session = await sessionOn("2026-01-15", "10:00", "12:00");
    const { chatId } = await participant(session);
    const evening = "2026-01-14T17:00:00.000Z";

    const [first, again] = await runAt([evening, evening]);
    expect(first).toMatchObject({ planned: 2, sent: 1 });
    expect(again).toEqual({ planned: 0, sent: 0, cancelled: 0, failed: 0, deferred: 0 });

    // A new process: fresh modules, a new database connection.
    vi.resetModules();
    const restarted = await import("../../src/jobs/reminders.js");
    const database = createDb(databaseUrl);
    const now = new Date("2026-01-14T17:01:00.000Z");
    const afterRestart = await restarted.runReminderJob(
      { db: database, timeZone: BERLIN, logger: silentLogger },
      recordingSend(now),
      now,
    );
    await database.$disconnect();

    expect(afterRestart).toEqual({ planned: 0, sent: 0, cancelled: 0, failed: 0, deferred: 0 });
    expect(delivered(chatId)).toEqual([`${evening} ${EVENING_DE}`]);
  });

  it("holds a reminder missed during downtime through the quiet hours and drops a stale 'tomorrow'", async () => {
    const session = await sessionOn("2026-02-10", "10:30", "12:00");
    const { chatId } = await participant(session);

    await runAt(["2026-02-09T16:30:00.000Z"]); // 17:30: planned, nothing due yet; then the job is down until 22:30
    const back = await runAt(["2026-02-09T21:30:00.000Z"]);
    expect(back[0]).toMatchObject({ sent: 0, deferred: 1 });

    await runAt(
      timeline(
        every(15, "2026-02-09T21:30:00.000Z", "2026-02-10T10:00:00.000Z"),
        minutesAround("2026-02-10T07:00:00.000Z"),
      ),
    );

    // The evening reminder ("tomorrow") would only be allowed out on the session's day, so it is
    // dropped at midnight; the 2-hour reminder comes at 08:30 Berlin.
    expect(delivered(chatId)).toEqual([`2026-02-10T07:30:00.000Z ${SOON_DE}`]);
  });

  it("cancels a missed evening reminder when the session starts before the quiet hours end, but sends the early 2-hour one", async () => {
    const session = await sessionOn("2026-02-10", "07:30", "09:00");
    const { person, chatId } = await participant(session);

    await runAt(["2026-02-09T16:30:00.000Z"]);
    await runAt(
      timeline(
        every(15, "2026-02-09T21:30:00.000Z", "2026-02-10T08:00:00.000Z"),
        minutesAround("2026-02-10T04:30:00.000Z"),
      ),
    );

    // 05:30 Berlin, inside the quiet hours, because the session starts before 10:00.
    expect(delivered(chatId)).toEqual([`2026-02-10T04:30:00.000Z ${SOON_DE}`]);
    const [evening] = await remindersOf(person.id);
    expect(evening).toMatchObject({
      kind: "course_session_evening",
      sentAt: null,
      cancelledAt: new Date("2026-02-09T23:00:00.000Z"),
    });
  });

  it("never sends the 2-hour reminder of a late session when it falls into the quiet hours", async () => {
    // Starts at 23:00: the 2-hour reminder is due at 21:00 and the session is not early, so it is never sent.
    const session = await sessionOn("2026-01-15", "23:00", "23:30");
    const { person, chatId } = await participant(session);

    await runAt(
      timeline(
        every(30, "2026-01-14T12:00:00.000Z", "2026-01-15T23:00:00.000Z"),
        minutesAround("2026-01-15T20:00:00.000Z"),
      ),
    );

    expect(delivered(chatId)).toEqual([`2026-01-14T17:00:00.000Z ${EVENING_DE}`]);
    expect((await remindersOf(person.id))[1]).toMatchObject({
      kind: "course_session_soon",
      sentAt: null,
      cancelledAt: session.startsAt,
    });
  });
  it("works through more due reminders than one batch holds, each once", async () => {
    const session = await sessionOn("2026-02-10", "10:30", "12:00");
    const people = 150;
    await db.person.createMany({
      data: Array.from({ length: people }, (_, index) => ({
        telegramId: BigInt(800_000 + index),
        chatId: BigInt(800_000 + index),
        consentAt: new Date("2026-01-01T00:00:00Z"),
      })),
    });
    const persons = await db.person.findMany({ select: { id: true } });
    await db.enrollment.createMany({
      data: persons.map((person) => ({ courseId: session.courseId, personId: person.id, status: "active" as const })),
    });

    // 22:30 Berlin: all evening reminders are due but held for the quiet hours, across batches.
    const [late, again] = await runAt(["2026-02-09T21:30:00.000Z", "2026-02-09T21:31:00.000Z"]);
    expect(late).toMatchObject({ planned: 2 * people, sent: 0, deferred: people });
    expect(again).toMatchObject({ planned: 0, sent: 0, deferred: people });
    // 08:30 Berlin: the 2-hour reminders go out, all in one run.
    const [morning, after] = await runAt(["2026-02-10T07:30:00.000Z", "2026-02-10T07:31:00.000Z"]);
    expect(morning).toMatchObject({ sent: people, deferred: 0 });
    expect(after).toMatchObject({ sent: 0, deferred: 0 });
    expect(new Set(sendAttempts.map((attempt) => attempt.chatId)).size).toBe(people);
  });
});

describe("who gets no reminder", () => {
  const evening = "2026-01-14T17:00:00.000Z";
  const soon = "2026-01-15T07:00:00.000Z";

  it("plans none for withdrawn people, people who switched reminders off, people without consent, or cancelled sessions", async () => {
    const session = await sessionOn("2026-01-15", "10:00", "12:00");
    const keeper = await participant(session);
    const leaver = await participant(session);
    await withdraw(db, leaver.person.id, leaver.enrollment.id, new Date("2026-01-10T10:00:00Z"));
    const switchedOff = await participant(session, { courseReminders: false });
    const withoutConsent = await participant(session, { consent: false });
    const cancelled = await sessionOn("2026-01-15", "10:00", "12:00");
    const inCancelled = await participant(cancelled);
    await cancelSession(db, manager, cancelled.id, new Date("2026-01-10T10:00:00Z"));

    await runAt([evening, soon]);

    expect(delivered(keeper.chatId)).toHaveLength(2);
    expect(sendAttempts.filter((attempt) => attempt.chatId !== keeper.chatId)).toEqual([]);
    for (const nobody of [leaver, switchedOff, withoutConsent, inCancelled])
      expect(await remindersOf(nobody.person.id)).toEqual([]);
  });

  it("re-checks planned reminders at send time and cancels those no longer wanted", async () => {
    const session = await sessionOn("2026-01-15", "10:00", "12:00");
    const keeper = await participant(session);
    const leaver = await participant(session);
    const switcher = await participant(session);
    const dropped = await participant(session);
    const cancelledByService = await sessionOn("2026-01-15", "10:00", "12:00");
    const inCancelledByService = await participant(cancelledByService);
    const cancelledInDb = await sessionOn("2026-01-15", "10:00", "12:00");
    const inCancelledInDb = await participant(cancelledInDb);

    const [planning] = await runAt(["2026-01-14T11:00:00.000Z"]);
    expect(planning?.planned).toBe(12);

    const changedAt = new Date("2026-01-14T12:00:00.000Z");
    await withdraw(db, leaver.person.id, leaver.enrollment.id, changedAt);
    await setCourseReminders(db, switcher.person.id, false);
    await cancelSession(db, manager, cancelledByService.id, changedAt);
    // Changes made without the services' clean-up: only the job's own re-check stops these.
    await db.enrollment.update({ where: { id: dropped.enrollment.id }, data: { status: "dropped" } });
    await db.courseSession.update({ where: { id: cancelledInDb.id }, data: { cancelledAt: changedAt } });

    await runAt([evening, soon]);

    expect(delivered(keeper.chatId)).toEqual([`${evening} ${EVENING_DE}`, `${soon} ${SOON_DE}`]);
    expect(sendAttempts.filter((attempt) => attempt.chatId !== keeper.chatId)).toEqual([]);
    for (const nobody of [leaver, switcher, dropped, inCancelledByService, inCancelledInDb]) {
      const reminders = await remindersOf(nobody.person.id);
      expect(reminders).toHaveLength(2);
      for (const reminder of reminders)
        expect(reminder).toMatchObject({ sentAt: null, cancelledAt: expect.any(Date) as Date });
    }
  });

  it("sends again when a person switches reminders back on before the next one is due", async () => {
    const session = await sessionOn("2026-01-15", "10:00", "12:00");
    const { person, chatId } = await participant(session);
    await runAt(["2026-01-14T11:00:00.000Z"]);
    await setCourseReminders(db, person.id, false);
    await runAt([evening]);
    await setCourseReminders(db, person.id, true);
    await runAt([soon]);

    expect(delivered(chatId)).toEqual([`${soon} ${SOON_DE}`]);
  });
});

describe("failed sends", () => {
  const evening = "2026-01-14T17:00:00.000Z";
  const soon = "2026-01-15T07:00:00.000Z";

  it("marks a person who blocked the bot and sends them nothing more, while others still get theirs", async () => {
    const session = await sessionOn("2026-01-15", "10:00", "12:00");
    const blocker = await participant(session);
    const other = await participant(session);
    failureFor = (chatId) =>
      chatId === blocker.chatId
        ? new GrammyError(
            "Call to 'sendMessage' failed!",
            { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
            "sendMessage",
            {},
          )
        : undefined;

    const [atEvening, atSoon] = await runAt([evening, soon]);

    expect(atEvening).toMatchObject({ sent: 1, failed: 1 });
    expect(atSoon).toMatchObject({ sent: 1, cancelled: 1 });
    expect((await db.person.findUniqueOrThrow({ where: { id: blocker.person.id } })).blockedAt).toEqual(
      new Date(evening),
    );
    const [eveningReminder, soonReminder] = await remindersOf(blocker.person.id);
    expect(eveningReminder).toMatchObject({
      sentAt: null,
      failedAt: new Date(evening),
      attempts: 1,
      lastError: expect.stringContaining("blocked") as string,
    });
    expect(soonReminder).toMatchObject({ sentAt: null, cancelledAt: new Date(soon) });
    expect(sendAttempts.filter((attempt) => attempt.chatId === blocker.chatId)).toHaveLength(1);
    expect(delivered(other.chatId)).toEqual([`${evening} ${EVENING_DE}`, `${soon} ${SOON_DE}`]);
  });

  it("retries other errors every minute and gives up after the last attempt", async () => {
    const session = await sessionOn("2026-01-15", "10:00", "12:00");
    const flaky = await participant(session);
    const broken = await participant(session);
    let flakyFailures = 2;
    failureFor = (chatId) => {
      if (chatId === broken.chatId) return new Error("Bad Request: chat not found");
      if (chatId === flaky.chatId && flakyFailures-- > 0) return new Error("Network request failed");
      return undefined;
    };

    await runAt(every(1, evening, new Date(new Date(evening).getTime() + 9 * MINUTE)));

    expect(delivered(flaky.chatId)).toEqual([`2026-01-14T17:02:00.000Z ${EVENING_DE}`]);
    expect((await remindersOf(flaky.person.id))[0]).toMatchObject({
      attempts: 3,
      failedAt: null,
      lastError: "Network request failed",
    });
    expect(sendAttempts.filter((attempt) => attempt.chatId === broken.chatId)).toHaveLength(MAX_ATTEMPTS);
    expect((await remindersOf(broken.person.id))[0]).toMatchObject({
      sentAt: null,
      attempts: MAX_ATTEMPTS,
      failedAt: new Date("2026-01-14T17:04:00.000Z"),
      lastError: "Bad Request: chat not found",
    });
    expect((await db.person.findUniqueOrThrow({ where: { id: broken.person.id } })).blockedAt).toBeNull();
  });
});

describe("texts", () => {
  it("are in the person's language with the time on Berlin's clock", async () => {
    const session = await sessionOn("2026-03-30", "09:00", "12:00");
    const german = await participant(session, { language: "de" });
    const russian = await participant(session, { language: "ru" });

    await runAt(["2026-03-29T16:00:00.000Z", "2026-03-30T05:00:00.000Z"]);

    const textsTo = (chatId: number) =>
      sendAttempts.filter((attempt) => attempt.chatId === chatId).map((attempt) => attempt.text);
    expect(textsTo(german.chatId)).toEqual([
      "⏰ Erinnerung: Morgen ist Kurs!\nDeutsch A1 – Alltag\n🗓 Mo., 30. März um 09:00\n📍 Integrationswerkstatt Belm",
      "⏰ Ihr Kurs beginnt bald:\nDeutsch A1 – Alltag\n🗓 Mo., 30. März um 09:00\n📍 Integrationswerkstatt Belm",
    ]);
    expect(textsTo(russian.chatId)).toEqual([
      "⏰ Напоминание: завтра занятие!\nНемецкий A1 — быт\n🗓 пн, 30 марта в 09:00\n📍 Integrationswerkstatt Belm",
      "⏰ Скоро начинается ваш курс:\nНемецкий A1 — быт\n🗓 пн, 30 марта в 09:00\n📍 Integrationswerkstatt Belm",
    ]);
  });
});

describe("through the real bot", () => {
  it("delivers the reminder to the user's chat and marks a user who blocked the bot", async () => {
    let now = new Date("2026-10-25T17:00:00.000Z");
    const clock = () => now;
    const fake = await FakeTelegram.start();
    const running = startTestBot(fake, db, { clock });
    try {
      const user = fake.user({ id: 424_242, firstName: "Olga", languageCode: "ru" });
      const session = await sessionOn("2026-10-26", "09:00", "12:00");
      const { person } = await participant(session, { language: "ru", telegramId: user.id });
      const deps = { db, clock, logger: running.logger, timeZone: BERLIN, adminTelegramIds: [] };
      const reminderJob = createJobs(deps, running.bot.api).find((job) => job.name === "reminders");
      if (!reminderJob) throw new Error("no reminder job");

      await reminderJob.run();
      expect((await user.nextReply()).text).toBe(
        "⏰ Напоминание: завтра занятие!\nНемецкий A1 — быт\n🗓 пн, 26 октября в 09:00\n📍 Integrationswerkstatt Belm",
      );

      fake.blockBot(user.id);
      now = new Date("2026-10-26T06:00:00.000Z");
      await reminderJob.run();
      await user.expectNoReply(100);
      expect((await db.person.findUniqueOrThrow({ where: { id: person.id } })).blockedAt).toEqual(now);
      expect((await remindersOf(person.id))[1]).toMatchObject({
        kind: "course_session_soon",
        sentAt: null,
        failedAt: now,
      });
    } finally {
      await running.stop();
      await fake.stop();
    }
  });
});
