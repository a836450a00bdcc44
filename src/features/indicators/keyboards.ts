import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { pagerRow } from "../../bot/pager.js";
import { localized, type Language, type Translate } from "../../i18n.js";
import { periodKey, type Period } from "./periods.js";
import { COURSE_CATEGORIES } from "../courses/service.js";
import type { Scope } from "./service.js";

const periodKeySchema = z.string().regex(/^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/);
/** "all", a course category, or "c<course id>". */
const scopeTokenSchema = z.union([z.literal("all"), z.enum(COURSE_CATEGORIES), z.string().regex(/^c\d{1,9}$/)]);

export const indicatorsData = defineCallbackData(
  "ind",
  z.tuple([z.enum(["new", "months", "quarters", "recompute", "offences"])]),
);
export const periodData = defineCallbackData("ind_p", z.tuple([periodKeySchema]));
export const scopeData = defineCallbackData("ind_s", z.tuple([periodKeySchema, scopeTokenSchema]));
export const coursePageData = defineCallbackData(
  "ind_c",
  z.tuple([periodKeySchema, z.coerce.number().int().min(0).max(999)]),
);

export function scopeFromToken(token: string): Scope {
  if (token.startsWith("c")) return { kind: "course", courseId: Number(token.slice(1)) };
  const category = COURSE_CATEGORIES.find((candidate) => candidate === token);
  return category ? { kind: "category", category } : { kind: "all" };
}

/** The periods to pick from, two per row, the switch between months and quarters, and the managers' actions. */
export function periodKeyboard(
  t: Translate,
  periods: readonly Period[],
  label: (period: Period) => string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  periods.forEach((period, index) => {
    keyboard.text(label(period), periodData.pack(periodKey(period)));
    if (index % 2 === 1) keyboard.row();
  });
  const showingMonths = periods[0]?.kind === "month";
  return keyboard
    .row()
    .text(
      showingMonths ? t("indicators.show_quarters") : t("indicators.show_months"),
      indicatorsData.pack(showingMonths ? "quarters" : "months"),
    )
    .row()
    .text(t("indicators.recompute_button"), indicatorsData.pack("recompute"))
    .row()
    .text(t("indicators.offences_button"), indicatorsData.pack("offences"));
}

export function scopeKeyboard(t: Translate, key: string): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(t("indicators.scope_all"), scopeData.pack(key, "all")).row();
  COURSE_CATEGORIES.forEach((category, index) => {
    keyboard.text(t(`courses.category.${category}`), scopeData.pack(key, category));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard
    .row()
    .text(t("indicators.scope_course_button"), coursePageData.pack(key, 0))
    .row()
    .text(t("indicators.back_button"), indicatorsData.pack(key.includes("Q") ? "quarters" : "months"));
}

export function courseKeyboard(
  t: Translate,
  language: Language,
  key: string,
  courses: readonly { id: number; titleDe: string; titleRu: string }[],
  page: number,
  more: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const course of courses)
    keyboard.text(localized(course, "title", language), scopeData.pack(key, `c${course.id}`)).row();
  const labels = { prev: t("courses.page_prev"), next: t("courses.page_next") };
  pagerRow(keyboard, labels, page, more, (target) => coursePageData.pack(key, target));
  return keyboard.text(t("indicators.back_button"), periodData.pack(key));
}

export function afterReportKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("indicators.another_button"), indicatorsData.pack("new"));
}

export function recomputeKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("indicators.recompute_button"), indicatorsData.pack("recompute"));
}
