import { createConversation } from "@grammyjs/conversations";
import { z } from "zod";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import type { BotConversation } from "../../bot/conversation-helpers.js";
import { ask, askChoice, Cancelled, confirm, loadActor, required } from "../../bot/wizard.js";
import { formatNumber, translator } from "../../i18n.js";
import { lastPeriods, type Period } from "./periods.js";
import { periodName } from "./report.js";
import { currentManualValue, saveManualValue } from "./service.js";

export const MANUAL_VALUE = "indicator-manual-value";

/** Quarters a manager may enter police figures for: the last eight, newest first. */
const QUARTERS_OFFERED = 8;
export const offenceCountSchema = z.coerce.number().int().min(0).max(1_000_000);
export const sourceSchema = z.string().trim().min(3).max(200);

/** A manager enters the offences of a quarter with their source (e.g. "Polizeiinspektion Osnabrück, PKS"). */
export function manualValueConversation(deps: BotDeps) {
  async function manualValue(
    conversation: BotConversation,
    ctx: ConversationContext,
    managerId: number,
  ): Promise<void> {
    const manager = await conversation.external(() => loadActor(deps.db, managerId));
    const t = translator(manager.language);
    const now = await conversation.external(() => deps.clock().getTime());
    const quarters = lastPeriods("quarter", new Date(now), QUARTERS_OFFERED, deps.timeZone).reverse();
    const name = (quarter: Period) => periodName(quarter, manager.language, deps.timeZone);
    try {
      const quarter = required(
        await askChoice(
          conversation,
          ctx,
          t,
          t("indicators.ask_quarter"),
          quarters.map((value) => ({ label: name(value), value })),
        ),
      );
      const previous = await conversation.external(() => currentManualValue(deps.db, manager, "offences", quarter));
      const known = previous
        ? t("indicators.known_value", {
            value: formatNumber(previous.value, manager.language),
            source: previous.source,
          })
        : "";
      const value = required(
        await ask(
          conversation,
          ctx,
          t,
          [t("indicators.ask_offences", { quarter: name(quarter) }), known].filter(Boolean).join("\n\n"),
          offenceCountSchema,
          "indicators.invalid_offences",
        ),
      );
      const source = required(
        await ask(conversation, ctx, t, t("indicators.ask_source"), sourceSchema, "indicators.invalid_source"),
      );
      const summary = t("indicators.confirm_offences", {
        quarter: name(quarter),
        value: formatNumber(value, manager.language),
        source,
      });
      const press = await confirm(
        conversation,
        ctx,
        t,
        previous
          ? `${summary}\n${t("indicators.replaces", { value: formatNumber(previous.value, manager.language) })}`
          : summary,
        t("indicators.save_button"),
      );
      await conversation.external(() =>
        saveManualValue(deps.db, manager, {
          indicator: "offences",
          quarter: { ...quarter, kind: "quarter" },
          value,
          source,
        }),
      );
      await press.reply(t("indicators.offences_saved", { quarter: name(quarter) }));
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(manualValue, MANUAL_VALUE);
}
