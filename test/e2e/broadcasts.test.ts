import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pacedThrottler } from "../../src/bot/create-bot.js";
import type { Db } from "../../src/db.js";
import { createBroadcast, deliveryCounts, type Actor } from "../../src/features/broadcasts/service.js";
import { createBroadcastWorker } from "../../src/jobs/broadcasts.js";
import { silentLogger } from "../../src/logger.js";
import { onboard, startTestBot, type RunningTestBot } from "../support/app.js";
import { createTestDb } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";

let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;

beforeAll(async () => {
  fake = await FakeTelegram.start();
  db = createTestDb().db;
  running = startTestBot(fake, db, { throttler: pacedThrottler(1000) });
});
afterAll(async () => {
  await running.stop();
  await db.$disconnect();
  await fake.stop();
});

async function broadcast(manager: Actor, textDe: string, textRu: string) {
  const created = await createBroadcast(db, manager, { audience: { kind: "everyone" }, textDe, textRu }, new Date());
  await createBroadcastWorker({ db, clock: () => new Date(), logger: silentLogger }, running.bot.api).runOnce();
  return created;
}

describe("announcements as residents get them", () => {
  it("a resident who presses 'stop announcements' gets none from the next broadcast, and can switch back on", async () => {
    const manager = await db.person.create({ data: { roles: { create: { role: "manager" } } } });
    const actor: Actor = { id: manager.id, roles: ["manager"] };
    const anna = fake.user({ id: 8101, firstName: "Anna", lastName: "Schmidt", languageCode: "de" });
    const olga = fake.user({ id: 8102, firstName: "Ольга", lastName: "Иванова", languageCode: "ru" });
    await onboard(anna);
    await onboard(olga);

    await broadcast(actor, "🎪 Zirkusfest am Samstag!", "🎪 Цирковой праздник в субботу!");
    expect((await anna.nextReply()).text).toBe("🎪 Zirkusfest am Samstag!");
    expect((await olga.nextReply()).text).toBe("🎪 Цирковой праздник в субботу!");

    olga.tap("🔕 Больше не присылать объявления");
    const stopped = await olga.nextReply();
    expect(stopped.text).toContain("вы больше не будете получать объявления");
    expect(stopped.buttons.flat().map((button) => button.text)).toEqual(["🔔 Снова получать объявления"]);

    const second = await broadcast(actor, "Neuer Deutschkurs ab Montag", "Новый курс немецкого с понедельника");
    expect((await anna.nextReply()).text).toBe("Neuer Deutschkurs ab Montag");
    await olga.expectNoReply();
    expect(await deliveryCounts(db, second.broadcast.id)).toMatchObject({ sent: 1, excluded: 1 });

    olga.tap("🔔 Снова получать объявления");
    expect((await olga.nextReply()).text).toContain("Вы снова будете получать объявления");
    await broadcast(actor, "Sprechstunde heute", "Приёмные часы сегодня");
    expect((await olga.nextReply()).text).toBe("Приёмные часы сегодня");
  });

  it("refuses a forged manager button from a resident and changes nothing", async () => {
    const manager = await db.person.create({ data: { roles: { create: { role: "manager" } } } });
    const scheduled = await createBroadcast(
      db,
      { id: manager.id, roles: ["manager"] },
      { audience: { kind: "everyone" }, textDe: "Später", textRu: "Позже", scheduledFor: new Date(Date.now() + 86_400_000) },
      new Date(),
    );
    const ilja = fake.user({ id: 8103, firstName: "Ilja", lastName: "Kowalski", languageCode: "de" });
    await onboard(ilja);
    const query = ilja.tapData(`bc_mng:cancel:${scheduled.broadcast.id}`);
    expect((await ilja.callbackAnswered(query)).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    expect((await db.broadcast.findUniqueOrThrow({ where: { id: scheduled.broadcast.id } })).status).toBe("scheduled");
  });
});
