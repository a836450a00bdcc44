import type { Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";

/**
 * Shows a screen in the message whose button was pressed. A second press of the same button
 * (or a stale one leading to the same screen) changes nothing, and a message that is gone is
 * replaced by a fresh one: both are handled for every edit by the API transformer
 * `forgiveStaleMessages`.
 */
export async function editInPlace(ctx: Context, text: string, reply_markup?: InlineKeyboardMarkup): Promise<void> {
  await ctx.editMessageText(text, { reply_markup });
}
