import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { requireRole } from "../../bot/middleware.js";
import { notifyPeople } from "../../bot/notify.js";
import { ROLE_GRANT, roleGrantConversation } from "./conversations.js";
import { revokeConfirmKeyboard, teamData, teamKeyboard } from "./keyboards.js";
import { listStaff, revokeRole } from "./service.js";

/** Managers see who holds which role, grant roles and take them back. */
export function teamFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();

  composer.command("team", requireRole("manager"), showTeam);

  composer.callbackQuery(teamData.filter, requireRole("manager"), async (ctx) => {
    const [action, grantId] = teamData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || grantId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    switch (action) {
      case "list":
        return showTeam(ctx);
      case "grant":
        return ctx.conversation.enter(ROLE_GRANT, ctx.person.id);
      case "revoke":
        return ctx.reply(ctx.t("team.revoke_confirm"), { reply_markup: revokeConfirmKeyboard(ctx.t, grantId) });
      case "revoke_yes": {
        const result = await revokeRole(deps.db, ctx.person, grantId);
        if (result.outcome === "not_found") return ctx.editMessageText(ctx.t("team.grant_gone"));
        if (result.outcome === "own_manager_role") return ctx.editMessageText(ctx.t("team.cannot_revoke_self"));
        await ctx.editMessageText(ctx.t("team.revoked"));
        await notifyPeople(ctx.api, deps.logger, [result.recipient], (t) => ({
          text: t("team.revoked_notice", { role: t(`team.role.${result.role}`) }),
        }));
        return;
      }
    }
  });

  async function showTeam(ctx: BotContext): Promise<void> {
    const staff = await listStaff(deps.db, ctx.person);
    const lines = staff.map((grant) => `• ${grant.name} – ${ctx.t(`team.role.${grant.role}`)}`);
    await ctx.reply([ctx.t("team.title"), "", ...lines].join("\n"), { reply_markup: teamKeyboard(ctx.t, staff) });
  }

  return { composer, conversations: [roleGrantConversation(deps)] };
}
