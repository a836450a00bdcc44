import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import type { Translate } from "../../i18n.js";
import { GRANTABLE_ROLES, type StaffGrant } from "./service.js";

export const teamData = defineCallbackData(
  "team",
  z.tuple([z.enum(["list", "grant", "revoke", "revoke_yes"]), z.coerce.number().int().min(0)]),
);
export const roleChoiceData = defineCallbackData("team_role", z.tuple([z.enum(GRANTABLE_ROLES)]));
export const grantStepData = defineCallbackData("team_step", z.tuple([z.enum(["confirm", "cancel"])]));

export function teamKeyboard(t: Translate, staff: readonly StaffGrant[]): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(t("team.grant_button"), teamData.pack("grant", 0)).row();
  for (const grant of staff) {
    keyboard
      .text(
        t("team.revoke_button", { name: grant.name, role: t(`team.role.${grant.role}`) }),
        teamData.pack("revoke", grant.grantId),
      )
      .row();
  }
  return keyboard;
}

export function revokeConfirmKeyboard(t: Translate, grantId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("manage.confirm_yes"), teamData.pack("revoke_yes", grantId))
    .row()
    .text(t("manage.confirm_no"), teamData.pack("list", 0));
}

export function roleKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const role of GRANTABLE_ROLES) keyboard.text(t(`team.role.${role}`), roleChoiceData.pack(role)).row();
  return keyboard.text(t("courses.cancel_button"), grantStepData.pack("cancel"));
}

export function grantConfirmKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("team.confirm_grant"), grantStepData.pack("confirm"))
    .row()
    .text(t("courses.cancel_button"), grantStepData.pack("cancel"));
}

export function cancelOnlyKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("courses.cancel_button"), grantStepData.pack("cancel"));
}
