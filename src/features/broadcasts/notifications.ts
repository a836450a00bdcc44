import type { Api } from "grammy";
import type { Broadcast } from "../../generated/prisma/client.js";
import { translator, type Language } from "../../i18n.js";
import { asBulk } from "../../bot/bulk.js";
import { stopAnnouncementsKeyboard } from "./keyboards.js";
import { textFor } from "./service.js";

export type BroadcastContent = Pick<Broadcast, "textDe" | "texts" | "photoFileId" | "documentFileId">;

/**
 * Sends a broadcast as a recipient sees it: their language's text (as the caption of a photo or
 * document when there is one) and the one-tap "stop announcements" button. The preview uses it
 * too, so the manager sees exactly this; `bulk` paces the sends of the broadcast itself.
 */
export async function sendBroadcastMessage(
  api: Api,
  chatId: number,
  broadcast: BroadcastContent,
  language: Language,
  bulk = false,
): Promise<unknown> {
  const text = textFor(broadcast, language);
  const reply_markup = stopAnnouncementsKeyboard(translator(language));
  const pace = <T extends object>(options: T) => (bulk ? asBulk(options) : options);
  if (broadcast.photoFileId) return api.sendPhoto(chatId, broadcast.photoFileId, pace({ caption: text, reply_markup }));
  if (broadcast.documentFileId)
    return api.sendDocument(chatId, broadcast.documentFileId, pace({ caption: text, reply_markup }));
  return api.sendMessage(chatId, text, pace({ reply_markup }));
}
