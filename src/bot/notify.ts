import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { asBulk } from "./bulk.js";
import { translator, type Language, type Translate } from "../i18n.js";
import type { Logger } from "../logger.js";
import { isBlocked } from "../telegram-errors.js";

export { isBlocked };

export interface NotifyTarget {
  chatId: bigint | null;
  language: Language;
}

/**
 * Tells people about something that happened to them (a seat freed, a session cancelled), each
 * in their own language. People without a chat (erased) are skipped; a failure for one person is
 * logged and does not stop the others. Blocked chats are marked by the API transformer. These
 * are bulk sends: paced by the shared limiter, so many notices never crowd out replies.
 */
export async function notifyPeople(
  api: Api,
  logger: Logger,
  targets: readonly NotifyTarget[],
  render: (t: Translate, language: Language) => { text: string; reply_markup?: InlineKeyboardMarkup },
): Promise<number> {
  let sent = 0;
  for (const target of targets) {
    if (target.chatId === null) continue;
    const { text, reply_markup } = render(translator(target.language), target.language);
    try {
      await api.sendMessage(Number(target.chatId), text, asBulk({ reply_markup }));
      sent++;
    } catch (error) {
      // A person who blocked the bot was logged and marked by the API transformer already.
      if (!isBlocked(error)) logger.warn("could not notify a person", { chatId: target.chatId, error });
    }
  }
  return sent;
}
