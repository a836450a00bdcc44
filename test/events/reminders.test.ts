import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { cancelRsvp, setEventReminders, signUp } from "../../src/features/events/service.js";
import { cancelEvent, createEvents } from "../../src/features/events/management/service.js";
import { runReminderJob, type SendText } from "../../src/jobs/reminders.js";
import { silentLogger } from "../../src/logger.js";
import { createTestDb } from "../support/db.js";

const BERLIN = "Europe/Berlin";
const manager = { id: 0, roles: ["manager" as const] };
let db: Db;
let sent: { at: string; chatId: number; text: string }[];
let now: Date;
const send: SendText = (chatId, text) => Promise.resolve(void sent.push({ at: now.toISOString(), chatId, text }));

beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

/** Runs the job every 15 minutes from `from` to `to`. */
async function runBetween(from: string, to: string): Promise<void> {
  for (now = new Date(from); now <= new Date(to); now = new Date(now.getTime() + 15 * 60_000)) {
    await runReminderJob({ db, timeZone: BERLIN, logger: silentLogger }, send, now);
  }
}

describe("event reminders", () => {
  it("come at 18:00 the evening before and two hours before, only to those still coming", async () => {
    sent = [];
    const [event] = await createEvents(
      db,
      manager,
      {
        titleDe: "Spieleabend",
        titleRu: "Вечер игр",
        descriptionDe: "Spiele",
        descriptionRu: "Игры",
        kind: "club",
        place: "Quartierstreff",
        capacity: null,
        asksPartySize: false,
        organiserId: null,
        day: { year: 2026, month: 12, day: 3 },
        from: "18:30",
        to: "21:00",
        weeks: 1,
      },
      BERLIN,
    );
    if (!event) throw new Error("no event");
    const people = await Promise.all(
      [1, 2, 3, 4].map((chat) =>
        db.person.create({
          data: {
            chatId: BigInt(chat),
            telegramId: BigInt(chat),
            consentAt: new Date(0),
            language: chat === 2 ? "ru" : "de",
          },
        }),
      ),
    );
    for (const person of people)
      await signUp(db, { eventId: event.id, personId: person.id, partySize: 1 }, new Date("2026-12-01T10:00:00Z"));
    await setEventReminders(db, people[2]?.id ?? 0, false);
    await cancelRsvp(db, people[3]?.id ?? 0, event.id, new Date("2026-12-01T10:00:00Z"));

    await runBetween("2026-12-02T12:00:00Z", "2026-12-03T18:00:00Z");
    expect(sent.map(({ at, chatId, text }) => `${at} ${chatId} ${text.split("\n")[0]}`)).toEqual([
      "2026-12-02T17:00:00.000Z 1 ⏰ Erinnerung: Morgen ist es so weit!",
      "2026-12-02T17:00:00.000Z 2 ⏰ Напоминание: уже завтра!",
      "2026-12-03T15:30:00.000Z 1 ⏰ Ihre Veranstaltung beginnt bald:",
      "2026-12-03T15:30:00.000Z 2 ⏰ Скоро начинается ваше мероприятие:",
    ]);
    expect(sent[1]?.text).toBe("⏰ Напоминание: уже завтра!\nВечер игр\n🗓 чт, 3 декабря в 18:30\n📍 Quartierstreff");
  });

  it("are dropped when the event is cancelled", async () => {
    sent = [];
    const [event] = await createEvents(
      db,
      manager,
      {
        titleDe: "Infoabend",
        titleRu: "Инфовечер",
        descriptionDe: "Info",
        descriptionRu: "Инфо",
        kind: "information",
        place: "Rathaus",
        capacity: 10,
        asksPartySize: false,
        organiserId: null,
        day: { year: 2026, month: 12, day: 10 },
        from: "18:00",
        to: "20:00",
        weeks: 1,
      },
      BERLIN,
    );
    if (!event) throw new Error("no event");
    const person = await db.person.create({ data: { chatId: 7n, telegramId: 7n, consentAt: new Date(0) } });
    await signUp(db, { eventId: event.id, personId: person.id, partySize: 1 }, new Date("2026-12-01T10:00:00Z"));
    await runBetween("2026-12-09T12:00:00Z", "2026-12-09T12:00:00Z");
    expect(await db.reminder.count({ where: { eventId: event.id, cancelledAt: null } })).toBe(2);
    await cancelEvent(db, manager, event.id, new Date("2026-12-09T13:00:00Z"));
    expect(await db.reminder.count({ where: { eventId: event.id, cancelledAt: null } })).toBe(0);
    await runBetween("2026-12-09T13:00:00Z", "2026-12-10T17:00:00Z");
    expect(sent).toEqual([]);
  });
});
