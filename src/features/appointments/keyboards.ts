import { InlineKeyboard } from "grammy";
import type { Translate } from "../../i18n.js";
import { EDITABLE_FIELDS, type EditableField } from "./fields.js";

/** Buttons shared by the management screens of courses and events. */

/** A question with "yes" (the action) and "no" (back where the person came from). */
export function yesNoKeyboard(labels: { yes: string; no: string }, yes: string, no: string): InlineKeyboard {
  return new InlineKeyboard().text(labels.yes, yes).row().text(labels.no, no);
}

/** Which field to change: one button per editable field, then back. */
export function editFieldsKeyboard(
  t: Translate,
  fieldData: (field: EditableField) => string,
  back: { label: string; data: string },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const field of EDITABLE_FIELDS) keyboard.text(t(`manage.field.${field}`), fieldData(field)).row();
  return keyboard.text(back.label, back.data);
}
