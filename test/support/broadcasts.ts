import type { Db } from "../../src/db.js";
import type { Language } from "../../src/i18n.js";
import type { FakeTelegram } from "./fake-telegram.js";

/**
 * Residents who consented, made directly in the database, with a chat in the fake so the bot can
 * write to them. Ids count up from `firstId`; every `ruEvery`-th one speaks Russian.
 */
export async function residents(
  db: Db,
  fake: FakeTelegram,
  count: number,
  firstId: number,
  options: { ruEvery?: number; now?: Date } = {},
): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, index) => firstId + index);
  const language = (index: number): Language => (options.ruEvery && index % options.ruEvery === 0 ? "ru" : "de");
  await db.person.createMany({
    data: ids.map((id, index) => ({
      telegramId: id,
      chatId: id,
      language: language(index),
      firstName: `Person ${id}`,
      consentAt: options.now ?? new Date(),
    })),
  });
  for (const id of ids) fake.rememberChat({ id, type: "private", first_name: `Person ${id}` });
  const people = await db.person.findMany({ where: { telegramId: { in: ids.map(BigInt) } }, select: { id: true } });
  return people.map((person) => person.id);
}

/** How many messages each chat got that Telegram accepted (text, photo or document). */
export function acceptedPerChat(fake: FakeTelegram): Map<number, number> {
  const counts = new Map<number, number>();
  for (const call of fake.calls) {
    if (call.error || call.chatId === undefined || !["sendMessage", "sendPhoto", "sendDocument"].includes(call.method))
      continue;
    counts.set(call.chatId, (counts.get(call.chatId) ?? 0) + 1);
  }
  return counts;
}
