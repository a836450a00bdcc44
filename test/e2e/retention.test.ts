import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotDeps } from "../../src/bot/context.js";
import type { Db } from "../../src/db.js";
import { shiftMonths } from "../../src/time.js";
import { createJobs } from "../../src/bot/jobs.js";
import type { Job } from "../../src/jobs/scheduler.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import type { FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
/** The bot's clock, driven by the tests. */
let now = new Date("2026-11-20T10:00:00Z");
let retentionJob: Job;
let reminderJob: Job;

function job(jobs: Job[], name: string): Job {
  const found = jobs.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
}

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now }));
  const deps: BotDeps = {
    db,
    clock: () => now,
    logger: running.logger,
    timeZone: "Europe/Berlin",
    adminTelegramIds: [],
  };
  const jobs = createJobs(deps, running.bot.api);
  retentionJob = job(jobs, "retention");
  reminderJob = job(jobs, "reminders");
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

async function lastActiveOf(user: TelegramUser): Promise<Date | null> {
  return (await db.person.findUniqueOrThrow({ where: { telegramId: BigInt(user.id) } })).lastActiveAt;
}

/** Moves the clock to the day the notice is due for someone last active at `lastActiveAt`, at 10:00 UTC. */
function noticeDayFor(lastActiveAt: Date): Date {
  return new Date(shiftMonths(lastActiveAt, 24).getTime() - 29 * DAY);
}

/** The retention job at 10:00 and the reminder job right after it, as the scheduler runs them. */
async function runJobs(): Promise<void> {
  await retentionJob.run();
  await reminderJob.run();
}

describe("activity", () => {
  it("is recorded at first contact and then at most once a day", async () => {
    now = new Date("2026-11-20T10:00:00Z");
    const user = fake.user({ id: 8301, firstName: "Dora", languageCode: "de" });
    await onboard(user);
    expect(await lastActiveOf(user)).toEqual(new Date("2026-11-20T10:00:00Z"));

    now = new Date("2026-11-20T20:00:00Z");
    user.send("/help");
    await user.nextReply();
    expect(await lastActiveOf(user)).toEqual(new Date("2026-11-20T10:00:00Z"));

    now = new Date("2026-11-21T10:00:00Z");
    user.send("/help");
    await user.nextReply();
    expect(await lastActiveOf(user)).toEqual(new Date("2026-11-21T10:00:00Z"));
  });
});

describe("the notice before the automatic erasure", () => {
  it.each([
    {
      language: "de",
      id: 8311,
      name: "Jürgen",
      since: "seit dem 20. November 2026",
      keep: "✅ Meine Daten behalten",
      kept: "Danke! Ihre Daten bleiben gespeichert. Wir fragen erst wieder, wenn Sie den Bot 24 Monate lang nicht nutzen.",
    },
    {
      language: "ru",
      id: 8312,
      name: "Людмила",
      since: "с 20 ноября 2026 г.",
      keep: "✅ Сохранить мои данные",
      kept: "Спасибо! Ваши данные остаются сохранёнными. Мы спросим снова, только если вы не будете пользоваться ботом 24 мес.",
    },
  ])(
    "keeps the data of a person who taps the button ($language)",
    async ({ language, id, name, since, keep, kept }) => {
      const started = new Date("2026-11-20T10:00:00Z");
      now = started;
      const user = fake.user({ id, firstName: name, languageCode: language });
      await onboard(user);

      now = noticeDayFor(started);
      await runJobs();
      const notice = await user.nextReply();
      expect(notice.text).toContain(since);
      expect(notice.buttons.flat().map((button) => button.text)).toEqual([keep]);

      now = new Date(now.getTime() + 2 * DAY);
      user.tap(keep);
      const answer = await user.nextReply();
      expect(answer).toMatchObject({ edited: true, text: kept, buttons: [] });
      expect(await lastActiveOf(user)).toEqual(now);

      // Past the day the erasure would have come: nothing is erased and nothing else is sent.
      now = new Date(now.getTime() + 40 * DAY);
      await runJobs();
      await user.expectNoReply(200);
      expect((await db.person.findUniqueOrThrow({ where: { telegramId: BigInt(id) } })).firstName).toBe(name);
    },
  );

  it("erases a person who did not answer, and the old button then says so", async () => {
    const started = new Date("2026-11-20T10:00:00Z");
    now = started;
    const user = fake.user({ id: 8313, firstName: "Pawel", languageCode: "de" });
    await onboard(user);
    const person = await db.person.findUniqueOrThrow({ where: { telegramId: 8313n } });

    now = noticeDayFor(started);
    await runJobs();
    const notice = await user.nextReply();

    now = new Date(now.getTime() + 30 * DAY);
    await runJobs();
    await user.expectNoReply(200);
    expect(await db.person.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({
      telegramId: null,
      firstName: null,
    });

    const press = user.tapOn(notice.messageId, "✅ Meine Daten behalten");
    expect(await user.callbackAnswered(press)).toMatchObject({
      text: "Ihre Daten sind bereits gelöscht. Mit /start können Sie neu beginnen.",
      show_alert: true,
    });
    expect((await db.person.findUniqueOrThrow({ where: { telegramId: 8313n } })).consentAt).toBeNull();
  });
});
