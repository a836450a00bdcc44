import type { Transformer } from "grammy";
import type { Logger } from "../logger.js";

/**
 * Telegram answers 403 when a person blocked the bot or deleted their account. The person is
 * marked so that jobs and broadcasts skip them until they write again.
 */
export function markBlockedChats(onBlocked: (chatId: number) => Promise<void>, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!response.ok && response.error_code === 403 && typeof chatId === "number") {
      logger.info("chat blocked the bot", { chatId, method });
      await onBlocked(chatId).catch((error: unknown) => logger.error("could not mark blocked chat", { chatId, error }));
    }
    return response;
  };
}
