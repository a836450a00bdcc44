import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { courseData } from "../../src/features/courses/keyboards.js";
import { createCourse } from "../../src/features/courses/management/service.js";
import { eventData } from "../../src/features/events/keyboards.js";
import { createEvents } from "../../src/features/events/management/service.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { courseInput, OFFICE as manager } from "../support/fixtures.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const NOW = new Date("2026-11-25T10:00:00Z");
const RESIDENTS = 8;
const SEATS = 2;
const BURSTS = 5;
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
const residents: TelegramUser[] = [];

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ clock: () => NOW }));
  for (let index = 0; index < RESIDENTS; index++) {
    const russian = index % 2 === 1;
    const resident = russian
      ? fake.user({
          id: 14_100 + index,
          firstName: "Ольга",
          lastName: `Иванова${"а".repeat(index)}`,
          languageCode: "ru",
        })
      : fake.user({
          id: 14_100 + index,
          firstName: "Anna",
          lastName: `Schmidt${"e".repeat(index)}`,
          languageCode: "de",
        });
    await onboard(resident);
    residents.push(resident);
  }
}, 60_000);
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

/** A different pressing order for every burst, none of them the order the residents arrived in. */
function pressingOrder(burst: number): TelegramUser[] {
  let seed = 7 + burst * 31;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const order = [...residents];
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as TelegramUser, order[index] as TelegramUser];
  }
  return order;
}

/** From the course's "register" button to the summary with its confirmation button. */
async function reachConfirmation(resident: TelegramUser, courseId: number): Promise<void> {
  resident.tapData(courseData.pack("register", courseId, 0));
  await resident.nextReply(); // the name question
  resident.tap(/^✅/); // take the name from Telegram
  await resident.nextReply(); // the phone question
  resident.tap(/^(Ohne Telefonnummer weiter|Продолжить без телефона)$/);
  await resident.nextReply(); // the summary
}

describe("first to press gets the seat, in German and Russian", () => {
  it("gives the last course seats to the first presses in update order, burst after burst", async () => {
    for (let burst = 0; burst < BURSTS; burst++) {
      const course = await createCourse(
        db,
        manager,
        courseInput({
          titleDe: `Bewerbungstraining ${burst}`,
          titleRu: `Тренинг ${burst}`,
          category: "vocational",
          capacity: SEATS,
        }),
        "Europe/Berlin",
      );
      await Promise.all(residents.map((resident) => reachConfirmation(resident, course.id)));

      const order = pressingOrder(burst);
      fake.batch(() =>
        order.forEach((resident) => resident.tap(/^✅ (Verbindlich anmelden|Записаться окончательно)$/)),
      );
      const answers = await Promise.all(order.map(async (resident) => (await resident.replies(2))[1]?.text ?? ""));

      order.forEach((resident, place) => {
        const german = resident.language === "de";
        if (place < SEATS) expect(answers[place]).toContain(german ? "Geschafft!" : "Готово!");
        else
          expect(answers[place]).toContain(
            german
              ? `auf der Warteliste auf Platz ${place - SEATS + 1}.`
              : `в листе ожидания под номером ${place - SEATS + 1}.`,
          );
      });
      const enrollments = await db.enrollment.findMany({
        where: { courseId: course.id },
        include: { person: true },
        orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
      });
      expect(enrollments.map((enrollment) => Number(enrollment.person.telegramId))).toEqual(
        order.map((resident) => resident.id),
      );
      expect(enrollments.filter((enrollment) => enrollment.status === "active")).toHaveLength(SEATS);
    }
  }, 120_000);

  it("gives the last event places to the first presses in update order", async () => {
    for (let burst = 0; burst < BURSTS; burst++) {
      const [event] = await createEvents(
        db,
        manager,
        {
          titleDe: `Elterncafé ${burst}`,
          titleRu: `Родительское кафе ${burst}`,
          descriptionDe: "Kaffee",
          descriptionRu: "Кофе",
          kind: "club",
          place: "Marktring 8",
          capacity: SEATS,
          asksPartySize: false,
          organiserId: null,
          day: { year: 2026, month: 12, day: 3 },
          from: "15:00",
          to: "17:00",
          weeks: 1,
        },
        "Europe/Berlin",
      );
      if (!event) throw new Error("no event created");
      const order = pressingOrder(burst + BURSTS);
      fake.batch(() => order.forEach((resident) => resident.tapData(eventData.pack("join", event.id, "all", 0))));
      const answers = await Promise.all(order.map(async (resident) => (await resident.nextReply()).text ?? ""));

      order.forEach((resident, place) => {
        const german = resident.language === "de";
        if (place < SEATS) expect(answers[place]).toContain(german ? "angemeldet" : "записаны");
        else
          expect(answers[place]).toContain(
            german ? `Platz ${place - SEATS + 1} der Warteliste` : `под номером ${place - SEATS + 1}`,
          );
      });
      const rsvps = await db.rsvp.findMany({
        where: { eventId: event.id },
        include: { person: true },
        orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
      });
      expect(rsvps.map((rsvp) => Number(rsvp.person.telegramId))).toEqual(order.map((resident) => resident.id));
      expect(rsvps.filter((rsvp) => rsvp.status === "going")).toHaveLength(SEATS);
    }
  }, 120_000);

  it("parties: buttons up to the places, a party that does not fit takes fewer or waits, the first waiting party that fits moves up", async () => {
    const [event] = await createEvents(
      db,
      manager,
      {
        titleDe: "Familienfest",
        titleRu: "Семейный праздник",
        descriptionDe: "Für Groß und Klein",
        descriptionRu: "Для всех",
        kind: "children",
        place: "Marktring 8",
        capacity: 3,
        asksPartySize: true,
        organiserId: null,
        day: { year: 2026, month: 12, day: 5 },
        from: "14:00",
        to: "17:00",
        weeks: 1,
      },
      "Europe/Berlin",
    );
    if (!event) throw new Error("no event created");
    const [anna, olga, ivan] = [residents[0], residents[1], residents[3]] as [TelegramUser, TelegramUser, TelegramUser];
    const open = async (resident: TelegramUser) => {
      resident.tapData(eventData.pack("show", event.id, "all", 0));
      return resident.nextReply();
    };

    await open(olga);
    olga.tap("🙋 Я приду");
    const sizes = await olga.nextReply();
    expect(sizes.buttons.flat().map((button) => button.text)).toEqual(["1", "2", "3", "⬅️ Назад к мероприятию"]);
    olga.tap("2");
    expect((await olga.nextReply()).text).toContain("придёт 2 человека");

    await open(anna);
    anna.tap("🙋 Ich komme");
    await anna.nextReply();
    anna.tap("3");
    const tooLarge = await anna.nextReply();
    expect(tooLarge.text).toBe(
      "Für „Familienfest“ ist nicht genug Platz für 3 Personen – noch 1 Platz frei. Kommen Sie mit weniger Personen, oder setzen Sie sich mit allen 3 auf die Warteliste.",
    );
    expect(tooLarge.buttons.flat().map((button) => button.text)).toEqual([
      "1",
      "⏳ Warteliste für 3 Personen",
      "⬅️ Zurück zur Veranstaltung",
    ]);
    anna.tap("⏳ Warteliste für 3 Personen");
    expect((await anna.nextReply()).text).toContain(
      "Sie stehen mit 3 Personen auf Platz 1 der Warteliste für „Familienfest“",
    );

    // The one free place is not blocked by the waiting party of three.
    const details = await open(ivan);
    expect(details.text).toContain("осталось 1 место");
    ivan.tap("🙋 Я приду");
    await ivan.nextReply();
    ivan.tap("1");
    expect((await ivan.nextReply()).text).toContain("Вы записаны на «Семейный праздник»");
    expect((await open(ivan)).text).toContain("мест нет, в листе ожидания 1 человек");

    // Olga's two places free up: too few for Anna's three, who keeps her place in line.
    olga.tap("🚫 Отменить запись");
    await olga.nextReply();
    olga.tap("Да, отменить");
    await olga.nextReply();
    await anna.expectNoReply();
    expect((await open(olga)).text).toContain("осталось 2 места");
    ivan.tap("🚫 Отменить запись");
    await ivan.nextReply();
    ivan.tap("Да, отменить");
    await ivan.nextReply();
    expect((await anna.nextReply()).text).toContain("Gute Nachricht: Bei „Familienfest“");
    const rsvps = await db.rsvp.findMany({ where: { eventId: event.id, status: "going" } });
    expect(rsvps.map((rsvp) => rsvp.partySize)).toEqual([3]);
  });
});
