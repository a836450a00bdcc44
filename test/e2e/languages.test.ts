import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { createCourse } from "../../src/features/courses/management/service.js";
import { createEvents } from "../../src/features/events/management/service.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import { courseInput, OFFICE } from "../support/fixtures.js";
import { foreignWords } from "../support/latin.js";
import type { TelegramUser } from "../support/user.js";

/**
 * A Russian and a Ukrainian resident go through every screen a resident reaches; no German or
 * English word may show up outside the allow-list (and the texts the office itself wrote).
 */
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
const now = new Date("2026-11-30T10:00:00Z");

const course = courseInput();
const event = {
  titleDe: "Spieleabend",
  titleRu: "Вечер игр",
  descriptionDe: "Spiele für alle Generationen.",
  descriptionRu: "Игры для всех поколений.",
  place: "Quartierstreff, Marktring 8",
};
/** What the office wrote (titles, descriptions, places): shown as written, in German to Ukrainian readers. */
const officeTexts = [
  course.titleDe,
  course.descriptionDe,
  course.place,
  event.titleDe,
  event.descriptionDe,
  event.place,
];

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => now }));
  await createCourse(db, OFFICE, course, "Europe/Berlin");
  await createEvents(
    db,
    OFFICE,
    {
      ...event,
      kind: "club",
      capacity: 20,
      asksPartySize: false,
      organiserId: null,
      day: { year: 2026, month: 12, day: 3 },
      from: "18:30",
      to: "21:00",
      weeks: 1,
    },
    "Europe/Berlin",
  );
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** Does something, then waits until the bot has answered and gone quiet. */
async function step(user: TelegramUser, act: () => unknown): Promise<void> {
  act();
  await user.nextReply();
  for (;;) {
    try {
      await user.expectNoReply(300);
      return;
    } catch {
      user.skipReplies();
    }
  }
}

/** Every text, caption and button the user has seen, each version of edited messages included. */
function everythingSeen(user: TelegramUser): string[] {
  return fake
    .repliesTo(user.id)
    .flatMap((reply) => [reply.text ?? "", reply.caption ?? "", ...reply.buttons.flat().map((button) => button.text)]);
}

async function visitEveryResidentScreen(user: TelegramUser): Promise<void> {
  await onboard(user);
  await step(user, () => user.tap(/^📚/));
  await step(user, () => user.tap(/^🇩🇪/));
  await step(user, () => user.tap(/A1/));
  await step(user, () => user.tap(/^✍️/));
  await step(user, () => user.tap(/^✅/));
  await step(user, () => user.tap(/^Продо/));
  await step(user, () => user.tap(/^A2/));
  await step(user, () => user.tap(/^✅/));
  await step(user, () => user.send("/mycourses"));
  await step(user, () => user.send("/events"));
  await step(user, () => user.tap(/Spieleabend|Вечер игр/));
  await step(user, () => user.tap(/^🙋/));
  await step(user, () => user.send("/sponsorship"));
  await step(user, () => user.send("/help"));
  await step(user, () => user.send("/language"));
  await step(user, () => user.send("/mydata"));
  await step(user, () => user.send("/deleteme"));
  await step(user, () => user.send("something the bot does not understand"));
}

describe("Russian and Ukrainian readers see their language only", () => {
  it.each([
    ["ru", 9501, "Ольга", "Курсы"],
    ["uk", 9502, "Оксана", "Курси"],
  ])("%s: every resident screen", async (languageCode, id, firstName, coursesLabel) => {
    const user = fake.user({ id, firstName, lastName: "Коваль", languageCode });
    await visitEveryResidentScreen(user);
    const seen = everythingSeen(user);
    expect(seen.join("\n")).toContain(coursesLabel);
    expect(seen.length).toBeGreaterThan(40);
    const foreign = seen.flatMap((text) =>
      foreignWords(text, officeTexts).map((word) => `${word} in: ${text.slice(0, 80)}`),
    );
    expect(foreign).toEqual([]);
  });
});
