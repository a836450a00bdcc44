import { createConversation } from "@grammyjs/conversations";
import { z } from "zod";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import {
  askMultiSelect,
  waitForButton,
  waitForChoice,
  waitForTextOrButton,
  type BotConversation,
} from "../../bot/conversation-helpers.js";
import { translator, type Translate } from "../../i18n.js";
import { phoneSchema } from "../../people/phone.js";
import { getLanguage } from "../onboarding/service.js";
import {
  cancelKeyboard,
  districtData,
  districtKeyboard,
  maxFamiliesData,
  maxFamiliesKeyboard,
  phoneChoiceKeyboard,
  skipKeyboard,
  stepData,
  submitKeyboard,
} from "./keyboards.js";
import { label, labels, type ListKind } from "./labels.js";
import { notifyNewRequest, notifyNewVolunteer } from "./notifications.js";
import {
  DISTRICTS,
  HELP_AREAS,
  SPONSOR_LANGUAGES,
  TIMES,
  createRequest,
  signupStart,
  submitSponsorProfile,
  type District,
  type RequestInput,
  type SponsorInput,
} from "./service.js";

export const SPONSOR_SIGNUP = "sponsor-signup";
export const SPONSOR_REQUEST = "sponsor-request";

const freeTextSchema = z.string().trim().min(2).max(500);
const familySizeSchema = z.coerce.number().int().min(1).max(15);
/** Ages 0–17, separated by commas or spaces: "3, 7, 12". */
const childrenAgesSchema = z
  .string()
  .trim()
  .regex(/^\d{1,2}([,; ]+\d{1,2}){0,9}$/)
  .refine((text) => text.split(/[,; ]+/).every((age) => Number(age) <= 17))
  .transform((text) => text.split(/[,; ]+/).join(", "));

/** Cancelled: the person pressed cancel; the conversation ends with "cancelled". */
const CANCELLED = Symbol("cancelled");
type Step<T> = T | typeof CANCELLED;

/**
 * "Become a sponsor" (also used to edit): languages, areas of help, districts, times of week,
 * how many families, a short text and whether the family may get the phone number; summary,
 * confirm. A new volunteer waits for a manager's approval.
 */
export function sponsorSignupConversation(deps: BotDeps) {
  async function sponsorSignup(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
  ): Promise<void> {
    const loaded = await conversation.external(() => signupStart(deps.db, personId));
    const t = translator(loaded.language);
    const cancel = async () => void (await ctx.reply(t("cancel.done")));

    const languages = await pick(
      conversation,
      ctx,
      t,
      "sponsorship.ask_languages",
      SPONSOR_LANGUAGES,
      "language",
      loaded.profile?.languages,
    );
    if (!languages) return cancel();
    const areas = await pick(conversation, ctx, t, "sponsorship.ask_areas", HELP_AREAS, "area", loaded.profile?.areas);
    if (!areas) return cancel();
    const districts = await pick(
      conversation,
      ctx,
      t,
      "sponsorship.ask_districts",
      DISTRICTS,
      "district",
      loaded.profile?.districts,
    );
    if (!districts) return cancel();
    // Asked once: where the volunteer lives, for announcements by district.
    const homeDistrict = loaded.homeDistrict === null ? await askHomeDistrict(conversation, ctx, t) : undefined;
    if (homeDistrict === CANCELLED) return cancel();
    const availability = await pick(
      conversation,
      ctx,
      t,
      "sponsorship.ask_availability",
      TIMES,
      "time",
      loaded.profile?.availability,
    );
    if (!availability) return cancel();

    await ctx.reply(t("sponsorship.ask_max_families"), { reply_markup: maxFamiliesKeyboard(t) });
    const max = await waitForChoice(conversation, t, maxFamiliesData, stepData);
    if (!("choice" in max)) return cancel();
    const about = await askOptionalText(
      conversation,
      ctx,
      t,
      "sponsorship.ask_about",
      freeTextSchema,
      "sponsorship.free_text_invalid",
    );
    if (about === CANCELLED) return cancel();
    const phone = await askPhone(conversation, ctx, t, "sponsorship.ask_phone_sponsor");
    if (phone === CANCELLED) return cancel();

    const input: SponsorInput = {
      languages,
      areas,
      districts,
      availability,
      maxFamilies: max.choice[0],
      about,
      phone,
      homeDistrict,
    };
    const summary = [
      t("sponsorship.summary_title"),
      "",
      t("sponsorship.summary_languages", { list: labels(t, "language", languages) }),
      t("sponsorship.summary_areas", { list: labels(t, "area", areas) }),
      t("sponsorship.summary_districts", { list: labels(t, "district", districts) }),
      homeDistrict === undefined
        ? undefined
        : t("sponsorship.summary_home_district", { district: label(t, "district", homeDistrict) }),
      t("sponsorship.summary_times", { list: labels(t, "time", availability) }),
      t("sponsorship.summary_max", { count: input.maxFamilies }),
      about === undefined ? undefined : t("sponsorship.summary_about", { text: about }),
      t("sponsorship.summary_phone", { phone: phone ?? t("sponsorship.summary_no_phone") }),
    ];
    if (!(await confirmSummary(conversation, ctx, t, summary))) return cancel();

    const result = await conversation.external(() => submitSponsorProfile(deps.db, personId, input, deps.clock()));
    if (result.outcome === "updated") return void (await ctx.reply(t("sponsorship.profile_updated")));
    await ctx.reply(t("sponsorship.profile_submitted"));
    await notifyNewVolunteer(ctx.api, deps, result.managers, result.profileId, input);
  }
  return createConversation<BotContext, ConversationContext>(sponsorSignup, SPONSOR_SIGNUP);
}

/**
 * "Ask for a sponsor": what help is needed, the family's languages, district, family size and
 * children's ages (optional), preferred contact times, a free text and whether the sponsor may
 * get the phone number; summary, confirm. One open request per person.
 */
export function sponsorRequestConversation(deps: BotDeps) {
  async function sponsorRequest(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
  ): Promise<void> {
    const language = await conversation.external(() => getLanguage(deps.db, personId));
    const t = translator(language);
    const cancel = async () => void (await ctx.reply(t("cancel.done")));

    const areas = await pick(conversation, ctx, t, "sponsorship.ask_need_areas", HELP_AREAS, "area");
    if (!areas) return cancel();
    const languages = await pick(
      conversation,
      ctx,
      t,
      "sponsorship.ask_family_languages",
      SPONSOR_LANGUAGES,
      "language",
    );
    if (!languages) return cancel();
    await ctx.reply(t("sponsorship.ask_district"), { reply_markup: districtKeyboard(t) });
    const district = await waitForChoice(conversation, t, districtData, stepData);
    if (!("choice" in district)) return cancel();
    const familySize = await askOptionalText(conversation, ctx, t, "sponsorship.ask_family_size", familySizeSchema);
    if (familySize === CANCELLED) return cancel();
    const childrenAges = await askOptionalText(
      conversation,
      ctx,
      t,
      "sponsorship.ask_children_ages",
      childrenAgesSchema,
    );
    if (childrenAges === CANCELLED) return cancel();
    const contactTimes = await pick(conversation, ctx, t, "sponsorship.ask_contact_times", TIMES, "time");
    if (!contactTimes) return cancel();
    const note = await askOptionalText(
      conversation,
      ctx,
      t,
      "sponsorship.ask_note",
      freeTextSchema,
      "sponsorship.free_text_invalid",
    );
    if (note === CANCELLED) return cancel();
    const phone = await askPhone(conversation, ctx, t, "sponsorship.ask_phone_family");
    if (phone === CANCELLED) return cancel();

    const input: RequestInput = {
      areas,
      languages,
      district: district.choice[0],
      familySize,
      childrenAges,
      contactTimes,
      note,
      phone,
    };
    const summary = [
      t("sponsorship.summary_request_title"),
      "",
      t("sponsorship.summary_areas", { list: labels(t, "area", areas) }),
      t("sponsorship.summary_languages", { list: labels(t, "language", languages) }),
      t("sponsorship.summary_district", { district: t(`sponsorship.district.${input.district}`) }),
      familySize === undefined ? undefined : t("sponsorship.summary_family_size", { count: familySize }),
      childrenAges === undefined ? undefined : t("sponsorship.summary_children", { ages: childrenAges }),
      t("sponsorship.summary_times", { list: labels(t, "time", contactTimes) }),
      note === undefined ? undefined : t("sponsorship.summary_about", { text: note }),
      t("sponsorship.summary_phone", { phone: phone ?? t("sponsorship.summary_no_phone") }),
    ];
    if (!(await confirmSummary(conversation, ctx, t, summary))) return cancel();

    const result = await conversation.external(() => createRequest(deps.db, personId, input, deps.clock()));
    if (result.outcome === "already_open") return void (await ctx.reply(t("sponsorship.request_already_open")));
    await ctx.reply(t("sponsorship.request_submitted"));
    await notifyNewRequest(ctx.api, deps, result.managers, result.requestId);
  }
  return createConversation<BotContext, ConversationContext>(sponsorRequest, SPONSOR_REQUEST);
}

function pick<Code extends string>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  questionKey: string,
  codes: readonly Code[],
  kind: ListKind,
  initial?: readonly Code[],
): Promise<Code[] | undefined> {
  return askMultiSelect(conversation, ctx, t, t(questionKey), {
    codes,
    initial,
    label: (code) => label(t, kind, code),
    doneLabel: t("sponsorship.done"),
    cancelLabel: t("courses.cancel_button"),
    emptyHint: t("sponsorship.nothing_chosen"),
  });
}

/** A text answer that may be skipped. */
async function askOptionalText<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  questionKey: string,
  schema: z.ZodType<T>,
  invalidKey = "sponsorship.invalid_answer",
): Promise<Step<T | undefined>> {
  await ctx.reply(t(questionKey), { reply_markup: skipKeyboard(t) });
  for (;;) {
    const answer = await waitForTextOrButton(conversation, t, { schema, invalidKey, buttons: stepData });
    if (answer.kind === "text") return answer.value;
    if (answer.values[0] === "cancel") return CANCELLED;
    if (answer.values[0] === "skip") return undefined;
  }
}

/** The volunteer's own district; undefined: not in Belm or not said. */
async function askHomeDistrict(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
): Promise<Step<District | undefined>> {
  await ctx.reply(t("sponsorship.ask_home_district"), {
    reply_markup: districtKeyboard(t, { skipKey: "sponsorship.home_district_none" }),
  });
  for (;;) {
    const answer = await waitForChoice(conversation, t, districtData, stepData);
    if ("choice" in answer) return answer.choice[0];
    if (answer.action[0] === "cancel") return CANCELLED;
    if (answer.action[0] === "skip") return undefined;
  }
}

/** Whether the other side may get the phone number (consent), and which one. undefined: no. */
async function askPhone(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  questionKey: string,
): Promise<Step<string | undefined>> {
  await ctx.reply(t(questionKey), { reply_markup: phoneChoiceKeyboard(t) });
  for (;;) {
    const {
      values: [choice],
    } = await waitForButton(conversation, stepData, t);
    if (choice === "cancel") return CANCELLED;
    if (choice === "no_phone") return undefined;
    if (choice === "share_phone") break;
  }
  await ctx.reply(t("sponsorship.ask_phone_number"), { reply_markup: cancelKeyboard(t) });
  for (;;) {
    const answer = await waitForTextOrButton(conversation, t, {
      schema: phoneSchema,
      invalidKey: "courses.phone_invalid",
      buttons: stepData,
    });
    if (answer.kind === "text") return answer.value;
    if (answer.values[0] === "cancel") return CANCELLED;
  }
}

async function confirmSummary(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  lines: readonly (string | undefined)[],
): Promise<boolean> {
  await ctx.reply(lines.filter((line) => line !== undefined).join("\n"), { reply_markup: submitKeyboard(t) });
  for (;;) {
    const {
      ctx: press,
      values: [decision],
    } = await waitForButton(conversation, stepData, t);
    if (decision !== "confirm" && decision !== "cancel") continue;
    await press.editMessageReplyMarkup();
    return decision === "confirm";
  }
}
