import { InlineKeyboard } from "grammy";
import { z } from "zod";
import type { Db } from "../db.js";
import { languageOf, translator, type Language, type Translate } from "../i18n.js";
import { parseLocalDay } from "../time.js";
import { defineCallbackData } from "./callback-data.js";
import type { ConversationContext } from "./context.js";
import { waitForButton, waitForChoice, waitForTextOrButton, type BotConversation } from "./conversation-helpers.js";
import type { PersonWithRoles } from "../features/onboarding/service.js";
import type { EditableField } from "../features/appointments/fields.js";

/**
 * Step-by-step forms of managers (a new course, a new event): one question per message, a cancel
 * button on every step, a summary to confirm at the end. Shared so that every form behaves alike.
 */

/** Cancel, confirm, or the step's default (e.g. "75 % (usual)", "no limit"). */
export const wizardData = defineCallbackData("wiz", z.tuple([z.enum(["cancel", "confirm", "default"])]));
/** One of the step's choices, by its position in the list shown. */
const pickData = defineCallbackData("wiz_pick", z.tuple([z.coerce.number().int().min(0).max(99)]));

/** Thrown when the person cancels a form; the form catches it and says so. */
export class Cancelled extends Error {}

/** For steps without a default: a "default" answer can only come from a forged button. */
export function required<T>(answer: T | "default"): T {
  if (answer === "default") throw new Cancelled();
  return answer;
}

export const shortText = z.string().trim().min(3).max(120);
export const longText = z.string().trim().min(10).max(1500);
export const capacitySchema = z.coerce.number().int().min(1).max(500);

/** 24.12.2026 (as written in Germany) or 2026-12-24. */
export const daySchema = z.string().transform((text, ctx) => {
  const day = parseLocalDay(text);
  if (!day) ctx.addIssue({ code: "custom", message: "not a date" });
  return day ?? z.NEVER;
});

function cancelRow(keyboard: InlineKeyboard, t: Translate): InlineKeyboard {
  return keyboard.text(t("courses.cancel_button"), wizardData.pack("cancel"));
}

/** Asks one question; the cancel button ends the form, the optional default button answers "default". */
export async function ask<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  question: string,
  schema: z.ZodType<T>,
  invalidKey: string,
  defaultLabel?: string,
): Promise<T | "default"> {
  const keyboard = new InlineKeyboard();
  if (defaultLabel) keyboard.text(defaultLabel, wizardData.pack("default")).row();
  await ctx.reply(question, { reply_markup: cancelRow(keyboard, t) });
  const answer = await waitForTextOrButton(conversation, t, { schema, invalidKey, buttons: wizardData });
  if (answer.kind === "text") return answer.value;
  if (answer.values[0] === "cancel") throw new Cancelled();
  return "default";
}

/** Asks for one of `choices` by button; the optional default button answers "default". */
export async function askChoice<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  question: string,
  choices: readonly { label: string; value: T }[],
  defaultLabel?: string,
): Promise<T | "default"> {
  const keyboard = new InlineKeyboard();
  choices.forEach((choice, index) => keyboard.text(choice.label, pickData.pack(index)).row());
  if (defaultLabel) keyboard.text(defaultLabel, wizardData.pack("default")).row();
  await ctx.reply(question, { reply_markup: cancelRow(keyboard, t) });
  for (;;) {
    const answer = await waitForChoice(conversation, t, pickData, wizardData);
    const chosen = "choice" in answer ? choices[answer.choice[0]] : undefined;
    if (chosen) return chosen.value;
    if ("action" in answer && answer.action[0] === "cancel") throw new Cancelled();
    if ("action" in answer && answer.action[0] === "default" && defaultLabel !== undefined) return "default";
  }
}

/** Shows the summary with a confirm button; returns the press, or throws Cancelled. */
export async function confirm(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  summary: string,
  confirmLabel: string,
): Promise<ConversationContext> {
  const keyboard = new InlineKeyboard().text(confirmLabel, wizardData.pack("confirm")).row();
  await ctx.reply(summary, { reply_markup: cancelRow(keyboard, t) });
  const {
    ctx: press,
    values: [decision],
  } = await waitForButton(conversation, wizardData, t);
  await press.editMessageReplyMarkup();
  if (decision !== "confirm") throw new Cancelled();
  return press;
}

/**
 * Runs a form for the person `personId` in their language. `steps` asks and acts; when the person
 * cancels at any step they are told so, with the buttons of `afterCancel` if it gives any.
 */
export async function runForm(
  conversation: BotConversation,
  ctx: ConversationContext,
  db: Db,
  personId: number,
  steps: (t: Translate, language: Language) => Promise<void>,
  afterCancel?: (t: Translate) => InlineKeyboard | undefined,
): Promise<void> {
  const language = await conversation.external(async () => (await loadActor(db, personId)).language);
  const t = translator(language);
  try {
    await steps(t, language);
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
    const reply_markup = afterCancel?.(t);
    await ctx.reply(t("cancel.done"), reply_markup ? { reply_markup } : undefined);
  }
}

/**
 * The last step of a form: the summary to confirm, then `act` for the person as they are now
 * (their roles read again, so a role taken away meanwhile counts). Returns the press, to answer
 * it, and what `act` returned; throws Cancelled when the person cancels.
 */
export async function confirmAndAct<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  step: { summary: string; confirmLabel: string; db: Db; personId: number },
  act: (actor: Awaited<ReturnType<typeof loadActor>>, press: ConversationContext) => Promise<T>,
): Promise<{ press: ConversationContext; result: T }> {
  const press = await confirm(conversation, ctx, t, step.summary, step.confirmLabel);
  const result = await conversation.external(async () => act(await loadActor(step.db, step.personId), press));
  return { press, result };
}

/** The person with their roles, read inside `conversation.external` when the form acts for them. */
export async function loadActor(
  db: Db,
  personId: number,
): Promise<Pick<PersonWithRoles, "id" | "roles"> & { language: Language }> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, include: { roles: true } });
  return { id: person.id, roles: person.roles.map((grant) => grant.role), language: languageOf(person.language) };
}

const fieldSchemas: Record<EditableField, { schema: z.ZodType<string | number>; invalidKey: string }> = {
  titleDe: { schema: shortText, invalidKey: "manage.invalid_title" },
  titleRu: { schema: shortText, invalidKey: "manage.invalid_title" },
  descriptionDe: { schema: longText, invalidKey: "manage.invalid_description" },
  descriptionRu: { schema: longText, invalidKey: "manage.invalid_description" },
  place: { schema: shortText, invalidKey: "manage.invalid_place" },
  capacity: { schema: capacitySchema, invalidKey: "manage.invalid_capacity" },
};

/** Asks for the new value of one field, checked like the form that created it. */
export async function askNewValue(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  field: EditableField,
): Promise<string | number> {
  const { schema, invalidKey } = fieldSchemas[field];
  const value = await ask(
    conversation,
    ctx,
    t,
    t("manage.ask_new_value", { field: t(`manage.field.${field}`) }),
    schema,
    invalidKey,
  );
  if (value === "default") throw new Cancelled();
  return value;
}
