import { InlineKeyboard } from "grammy";
import { z } from "zod";
import type { Translate } from "../i18n.js";
import { defineCallbackData } from "./callback-data.js";

/** Presses that lead back to the main menu or its fixed entries; features link here. */
export const menuData = defineCallbackData("menu", z.tuple([z.enum(["home", "my_data", "language", "help"])]));

export function backToMenuKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("menu.back"), menuData.pack("home"));
}
