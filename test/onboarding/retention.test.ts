import { GrammyError } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { erasePersonData } from "../../src/people/erasure.js";
import { recordActivity, runRetention } from "../../src/features/onboarding/retention.js";
import { shiftMonths } from "../../src/time.js";
import { runReminderJob, type SendText } from "../../src/jobs/reminders.js";
import { silentLogger } from "../../src/logger.js";
import { createTestDb } from "../support/db.js";

const DAY = 86_400_000;
const MONTHS = 24;
/** Last use of everyone in these tests; the 24 months end on 15 November 2026, 10:00 UTC. */
const LAST_ACTIVE = new Date("2024-11-15T10:00:00Z");
/** The first moment the notice is due: 30 days before the end of the retention period. */
const NOTICE_DUE = new Date("2026-10-16T10:00:00Z");

let db: Db;
let sent: { chatId: number; text: string; buttons: string[] }[];
let failureFor: (chatId: number) => Error | undefined;
let nextChat: number;

beforeEach(() => {
  ({ db } = createTestDb());
  sent = [];
  failureFor = () => undefined;
  nextChat = 610_000;
});
afterEach(async () => {
  await db.$disconnect();
});

const send: SendText = (chatId, text, options) => {
  const failure = failureFor(chatId);
  if (failure) return Promise.reject(failure);
  sent.push({
    chatId,
    text,
    buttons: options?.reply_markup?.inline_keyboard.flat().map((button) => button.text) ?? [],
  });
  return Promise.resolve();
};

function blocked(): GrammyError {
  return new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    "sendMessage",
    {},
  );
}

async function person(options: { language?: "de" | "ru"; consent?: boolean; lastActiveAt?: Date } = {}) {
  nextChat += 1;
  return db.person.create({
    data: {
      telegramId: BigInt(nextChat),
      chatId: BigInt(nextChat),
      language: options.language ?? "de",
      firstName: "Irina",
      username: `irina_${nextChat}`,
      phone: "+49 5406 5550",
      consentAt: options.consent === false ? null : new Date("2024-01-10T09:00:00Z"),
      lastActiveAt: options.lastActiveAt ?? LAST_ACTIVE,
    },
  });
}

/** One day of the bot's jobs at `now`: the retention run, then the reminder job that sends its notices. */
async function day(now: Date) {
  const retention = await runRetention(db, MONTHS, now);
  await runReminderJob({ db, timeZone: "Europe/Berlin", logger: silentLogger }, send, now);
  return retention;
}

async function reload(id: number) {
  return db.person.findUniqueOrThrow({ where: { id } });
}

async function openCourseSeat(personId: number) {
  const course = await db.course.create({
    data: {
      titleDe: "Deutsch B1",
      titleRu: "Немецкий B1",
      descriptionDe: "Kurs",
      descriptionRu: "Курс",
      category: "language",
      capacity: 12,
      startsOn: new Date("2026-09-01T08:00:00Z"),
      endsOn: new Date("2027-03-01T11:00:00Z"),
      place: "Integrationswerkstatt",
    },
  });
  return db.enrollment.create({ data: { courseId: course.id, personId, status: "active" } });
}

describe("shiftMonths", () => {
  it("moves by calendar months and clamps the day to the shorter month", () => {
    expect(shiftMonths(new Date("2026-10-16T10:00:00Z"), -24)).toEqual(new Date("2024-10-16T10:00:00Z"));
    expect(shiftMonths(new Date("2026-03-31T08:00:00Z"), -1)).toEqual(new Date("2026-02-28T08:00:00Z"));
    expect(shiftMonths(new Date("2024-02-29T08:00:00Z"), 12)).toEqual(new Date("2025-02-28T08:00:00Z"));
  });
});

describe("the retention run", () => {
  it("tells the person once, 30 days ahead, and erases them 30 days after the notice", async () => {
    const irina = await person();

    expect(await day(new Date(NOTICE_DUE.getTime() - 60_000))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect(sent).toEqual([]);

    const noticeAt = new Date("2026-10-17T08:00:00Z");
    expect(await day(noticeAt)).toEqual({ noticesPlanned: 1, erased: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain("seit dem 15. November 2024");
    expect(sent[0]?.text).toContain("ab dem 16. November 2026");
    expect(sent[0]?.buttons).toEqual(["✅ Meine Daten behalten"]);

    // Every later run (daily, or twice after a restart) plans no second notice.
    for (let days = 0; days < 30; days += 1) {
      expect(await day(new Date(noticeAt.getTime() + days * DAY + 3_600_000))).toEqual({
        noticesPlanned: 0,
        erased: 0,
      });
    }
    expect(sent).toHaveLength(1);
    expect((await reload(irina.id)).erasedAt).toBeNull();

    const erasedAt = new Date(noticeAt.getTime() + 30 * DAY);
    expect(await day(erasedAt)).toEqual({ noticesPlanned: 0, erased: 1 });
    expect(await reload(irina.id)).toMatchObject({
      erasedAt,
      telegramId: null,
      chatId: null,
      firstName: null,
      username: null,
      phone: null,
      consentAt: null,
    });
    expect(sent).toHaveLength(1);
  });

  it("words the notice in Russian for a Russian speaker", async () => {
    await person({ language: "ru" });
    await day(new Date("2026-10-17T08:00:00Z"));
    expect(sent[0]?.text).toContain("с 15 ноября 2024 г.");
    expect(sent[0]?.text).toContain("начиная с 16 ноября 2026 г.");
    expect(sent[0]?.buttons).toEqual(["✅ Сохранить мои данные"]);
  });

  it("never erases someone who became active again, and starts a new quiet spell from then", async () => {
    const irina = await person();
    const noticeAt = new Date("2026-10-17T08:00:00Z");
    await day(noticeAt);
    const backAt = new Date(noticeAt.getTime() + 5 * DAY);
    await recordActivity(db, irina.id, backAt);

    expect(await day(new Date(noticeAt.getTime() + 31 * DAY))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect(await day(new Date(noticeAt.getTime() + 400 * DAY))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect((await reload(irina.id)).firstName).toBe("Irina");
    expect(sent).toHaveLength(1);

    // 24 months less 30 days after the return, the next spell's notice goes out.
    const secondNotice = new Date(shiftMonths(backAt, MONTHS).getTime() - 30 * DAY + 60_000);
    expect(await day(secondNotice)).toEqual({ noticesPlanned: 1, erased: 0 });
    expect(sent).toHaveLength(2);
  });

  it("erases someone who blocked the bot without a message, 30 days after the notice was due", async () => {
    const blocker = await person();
    failureFor = (chatId) => (chatId === Number(blocker.chatId) ? blocked() : undefined);
    const noticeAt = new Date("2026-10-17T08:00:00Z");
    await day(noticeAt);
    expect(sent).toEqual([]);
    expect((await reload(blocker.id)).blockedAt).toEqual(noticeAt);

    expect(await day(new Date(noticeAt.getTime() + 29 * DAY))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect(await day(new Date(noticeAt.getTime() + 30 * DAY))).toEqual({ noticesPlanned: 0, erased: 1 });
    expect(await reload(blocker.id)).toMatchObject({ telegramId: null, firstName: null });
  });

  it("erases someone already marked as blocked without trying to write", async () => {
    const blocker = await person();
    await db.person.update({ where: { id: blocker.id }, data: { blockedAt: new Date("2025-06-01T00:00:00Z") } });
    const noticeAt = new Date("2026-10-17T08:00:00Z");
    await day(noticeAt);
    expect(sent).toEqual([]);
    expect(await day(new Date(noticeAt.getTime() + 30 * DAY))).toEqual({ noticesPlanned: 0, erased: 1 });
  });

  it("tries a notice again the next day when sending kept failing, and waits 30 days from the one that arrived", async () => {
    const irina = await person();
    failureFor = () => new Error("network down");
    const firstTry = new Date("2026-10-17T08:00:00Z");
    for (let minute = 0; minute < 5; minute += 1) await day(new Date(firstTry.getTime() + minute * 60_000));
    expect(sent).toEqual([]);

    failureFor = () => undefined;
    const nextDay = new Date(firstTry.getTime() + DAY);
    expect(await day(nextDay)).toEqual({ noticesPlanned: 1, erased: 0 });
    expect(sent).toHaveLength(1);
    expect(await day(new Date(firstTry.getTime() + 30 * DAY))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect(await day(new Date(nextDay.getTime() + 30 * DAY))).toEqual({ noticesPlanned: 0, erased: 1 });
    expect((await reload(irina.id)).erasedAt).not.toBeNull();
  });

  it("leaves people alone while a course seat, an event sign-up or a sponsor request is open", async () => {
    const student = await person();
    await openCourseSeat(student.id);
    const guest = await person();
    const event = await db.event.create({
      data: {
        titleDe: "Integrationsclub",
        titleRu: "Клуб",
        descriptionDe: "Abend",
        descriptionRu: "Вечер",
        kind: "club",
        startsAt: new Date("2027-01-10T17:00:00Z"),
        endsAt: new Date("2027-01-10T19:00:00Z"),
        place: "Rathaus",
        checkinCode: "KL7MNP",
      },
    });
    await db.rsvp.create({ data: { eventId: event.id, personId: guest.id, status: "going" } });
    const family = await person();
    await db.sponsorshipRequest.create({
      data: { personId: family.id, areas: '["authorities"]', languages: '["ru"]' },
    });

    const late = new Date("2026-12-20T08:00:00Z");
    expect(await day(late)).toEqual({ noticesPlanned: 0, erased: 0 });
    expect(sent).toEqual([]);
  });

  it("does not erase a person whose course started after the notice", async () => {
    const irina = await person();
    const noticeAt = new Date("2026-10-17T08:00:00Z");
    await day(noticeAt);
    await openCourseSeat(irina.id);
    expect(await day(new Date(noticeAt.getTime() + 31 * DAY))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect((await reload(irina.id)).firstName).toBe("Irina");
  });

  it("erases people who never consented after the retention period, without a notice", async () => {
    const stranger = await person({ consent: false });
    expect(await day(new Date("2026-11-15T09:59:00Z"))).toEqual({ noticesPlanned: 0, erased: 0 });
    expect(await day(new Date("2026-11-15T10:00:00Z"))).toEqual({ noticesPlanned: 0, erased: 1 });
    expect(sent).toEqual([]);
    expect((await reload(stranger.id)).telegramId).toBeNull();
  });

  it("is the /deleteme erasure, which a last check inside its transaction can still call off", async () => {
    const irina = await person();
    expect(
      await erasePersonData(db, irina.id, new Date("2026-11-20T10:00:00Z"), () => Promise.resolve(false)),
    ).toBeUndefined();
    expect((await reload(irina.id)).firstName).toBe("Irina");
    expect(
      await erasePersonData(db, irina.id, new Date("2026-11-20T10:00:00Z"), () => Promise.resolve(true)),
    ).toMatchObject({ otherSide: [], requestIds: [] });
    expect((await reload(irina.id)).firstName).toBeNull();
  });
});
