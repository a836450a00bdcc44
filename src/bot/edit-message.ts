import { GrammyError, type Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";

/**
 * Shows a screen in the message whose button was pressed. A second press of the same button
 * (or a stale one leading to the same screen) changes nothing, which Telegram answers with
 * "message is not modified"; that is not a fault and is ignored.
 */
export async function editInPlace(ctx: Context, text: string, reply_markup?: InlineKeyboardMarkup): Promise<void> {
  try {
    await ctx.editMessageText(text, { reply_markup });
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 400 && error.description.includes("message is not modified"))) throw error;
  }
}
