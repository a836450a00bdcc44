import { autoRetry } from "@grammyjs/auto-retry";
import type { Transformer } from "grammy";
import type { Logger } from "../logger.js";
import { isBulk } from "./bulk.js";

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

/**
 * Waits out 429 `retry_after` (and retries network and server errors). A reply gives up after
 * a short wait, so an update (and a webhook request) never hangs for long; bulk sends run in
 * jobs and may wait as long as Telegram asks, up to a minute.
 */
export function retryAfterLimits(): Transformer {
  const reply = autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5 });
  const bulk = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 });
  return (prev, method, payload, signal) => (isBulk(payload) ? bulk : reply)(prev, method, payload, signal);
}

const EDITS = new Set(["editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"]);
const NOT_MODIFIED = "message is not modified";
const GONE = ["message to edit not found", "message can't be edited"];
const QUERY_TOO_OLD = "query is too old";

type Payload = Record<string, unknown>;

/**
 * Double taps and old buttons are normal, not faults, wherever they happen:
 * - an edit that changes nothing ("message is not modified") counts as done;
 * - a text edit of a message that is gone or too old to edit is sent as a fresh message instead;
 *   other edits of such a message (buttons, captions) have nothing left to change;
 * - answering a button press Telegram no longer knows ("query is too old") counts as done.
 */
export const forgiveStaleMessages: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (response.ok || response.error_code !== 400) return response;
  const done = { ok: true, result: true } as unknown as typeof response;
  const description = response.description;
  if (method === "answerCallbackQuery" && description.includes(QUERY_TOO_OLD)) return done;
  if (!EDITS.has(method)) return response;
  if (description.includes(NOT_MODIFIED)) return done;
  if (!GONE.some((gone) => description.includes(gone))) return response;
  const edit = payload as Payload;
  if (method !== "editMessageText" || edit.chat_id === undefined) return done;
  const { message_id: _messageId, inline_message_id: _inline, ...fresh } = edit;
  return await prev("sendMessage", fresh as never, signal);
};
