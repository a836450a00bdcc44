import { createConversation } from "@grammyjs/conversations";
import { z } from "zod";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import {
  waitForButton,
  waitForChoice,
  waitForTextOrButton,
  type BotConversation,
} from "../../bot/conversation-helpers.js";
import { Cancelled, loadActor } from "../../bot/wizard.js";
import {
  FALLBACK_LANGUAGE,
  LANGUAGES,
  formatDateTime,
  localized,
  translator,
  type Language,
  type Translate,
} from "../../i18n.js";
import { addDays, calendarDayOf, clockTimeOn, parseClockTime, parseLocalDay } from "../../time.js";
import {
  attachmentKeyboard,
  audienceKindData,
  audienceKindKeyboard,
  cancelStepKeyboard,
  composeData,
  coursePickData,
  districtPickData,
  eventPickData,
  languagePickData,
  pickerKeyboard,
  sameTextKeyboard,
  scheduledKeyboard,
  SCHEDULE_CHOICES,
  whenKeyboard,
} from "./keyboards.js";
import { sendBroadcastMessage, type BroadcastContent } from "./notifications.js";
import {
  COURSE_AUDIENCE_STATUSES,
  MAX_CAPTION_LENGTH,
  MAX_TEXT_LENGTH,
  audienceLanguages,
  courseOptions,
  districtOptions,
  eventOptions,
  audienceSize,
  createBroadcast,
  type Audience,
} from "./service.js";
import type { Actor } from "../../people/roles.js";
import { districtLabel } from "../sponsorship/keyboards.js";

export const BROADCAST_COMPOSE = "broadcast-compose";

const textSchema = z.string().trim().min(1).max(MAX_TEXT_LENGTH);

interface Manager extends Actor {
  language: Language;
}

type Step = { ctx: ConversationContext } & ({ choice: readonly unknown[] } | { action: readonly unknown[] });

/** A pressed step button other than a choice: cancel ends the conversation. */
function throwIfCancelled(answer: Step): void {
  if ("action" in answer && answer.action[0] === "cancel") throw new Cancelled();
}

/**
 * /broadcast: audience (with its reach), a text for each language the audience reads (German
 * first when it has German readers), an optional photo or document, a preview per language exactly
 * as recipients see it, then now or later. Every database call runs through `conversation.external`.
 */
export function broadcastComposeConversation(deps: BotDeps) {
  async function broadcastCompose(
    conversation: BotConversation,
    ctx: ConversationContext,
    managerId: number,
  ): Promise<void> {
    const manager: Manager = await conversation.external(() => loadActor(deps.db, managerId));
    const t = translator(manager.language);
    try {
      const { audience, reach } = await askAudience(conversation, ctx, t, manager, deps);
      const found = await conversation.external(() => audienceLanguages(deps.db, manager, audience));
      const languages = found.length > 0 ? found : [FALLBACK_LANGUAGE];
      const { textDe, texts } = await askTexts(conversation, ctx, t, languages);
      const attachment = await askAttachment(
        conversation,
        ctx,
        t,
        Math.max(textDe.length, ...Object.values(texts).map((text) => text.length)),
      );
      const content: BroadcastContent = {
        textDe,
        texts: JSON.stringify(texts),
        photoFileId: attachment.photoFileId ?? null,
        documentFileId: attachment.documentFileId ?? null,
      };
      await preview(ctx, t, content, languages);
      const scheduledFor = await askWhen(conversation, ctx, t, deps, reach);
      const chatId = ctx.chat?.id;
      const created = await conversation.external(() =>
        createBroadcast(
          deps.db,
          manager,
          { audience, textDe, texts, ...attachment, scheduledFor, progressChatId: chatId },
          deps.clock(),
        ),
      );
      if (created.broadcast.status === "scheduled" && scheduledFor) {
        await ctx.reply(
          t("broadcasts.scheduled", {
            when: formatDateTime(scheduledFor, manager.language, deps.timeZone),
            reach: created.reach,
          }),
          {
            reply_markup: scheduledKeyboard(t, created.broadcast.id),
          },
        );
      } else {
        await ctx.reply(t("broadcasts.started"));
      }
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(broadcastCompose, BROADCAST_COMPOSE);
}

async function askAudience(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  manager: Manager,
  deps: BotDeps,
) {
  for (;;) {
    await ctx.reply(t("broadcasts.ask_audience"), { reply_markup: audienceKindKeyboard(t) });
    const answer = await waitForChoice(conversation, t, audienceKindData, composeData);
    throwIfCancelled(answer);
    if (!("choice" in answer)) continue;
    const audience = await refineAudience(conversation, ctx, t, manager, deps, answer.choice[0]);
    if (!audience) continue;
    const size = await conversation.external(() => audienceSize(deps.db, manager, audience));
    if (size.reach === 0) {
      await ctx.reply(t("broadcasts.reach_nobody", { excluded: size.excluded }));
      continue;
    }
    await ctx.reply(t("broadcasts.reach", { count: size.reach, excluded: size.excluded }));
    return { audience, reach: size.reach };
  }
}

/** The second step of some audiences (which language, course, event, district); undefined = choose again. */
async function refineAudience(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  manager: Manager,
  deps: BotDeps,
  kind: Audience["kind"],
): Promise<Audience | undefined> {
  switch (kind) {
    case "everyone":
    case "sponsors":
    case "families":
      return { kind };
    case "language": {
      const buttons = LANGUAGES.map((language) => ({
        label: translator(language)("language.name"),
        data: languagePickData.pack(language),
      }));
      await ctx.reply(t("broadcasts.ask_language"), { reply_markup: pickerKeyboard(t, buttons) });
      const answer = await waitForChoice(conversation, t, languagePickData, composeData);
      throwIfCancelled(answer);
      return "choice" in answer ? { kind, language: answer.choice[0] } : undefined;
    }
    case "course": {
      const courses = await conversation.external(() => courseOptions(deps.db, manager, deps.clock()));
      if (courses.length === 0) return void (await ctx.reply(t("broadcasts.no_courses")));
      const buttons = courses.flatMap((course) =>
        COURSE_AUDIENCE_STATUSES.map((status) => ({
          label: t(`broadcasts.course_option.${status}`, { title: localized(course, "title", manager.language) }),
          data: coursePickData.pack(course.id, status),
        })),
      );
      await ctx.reply(t("broadcasts.ask_course"), { reply_markup: pickerKeyboard(t, buttons) });
      const answer = await waitForChoice(conversation, t, coursePickData, composeData);
      throwIfCancelled(answer);
      return "choice" in answer ? { kind, courseId: answer.choice[0], status: answer.choice[1] } : undefined;
    }
    case "event": {
      const events = await conversation.external(() => eventOptions(deps.db, manager, deps.clock()));
      if (events.length === 0) return void (await ctx.reply(t("broadcasts.no_events")));
      const buttons = events.map((event) => ({
        label: t("broadcasts.event_option", {
          title: localized(event, "title", manager.language),
          when: formatDateTime(event.startsAt, manager.language, deps.timeZone),
        }),
        data: eventPickData.pack(event.id),
      }));
      await ctx.reply(t("broadcasts.ask_event"), { reply_markup: pickerKeyboard(t, buttons) });
      const answer = await waitForChoice(conversation, t, eventPickData, composeData);
      throwIfCancelled(answer);
      return "choice" in answer ? { kind, eventId: answer.choice[0] } : undefined;
    }
    case "district": {
      const districts = await conversation.external(() => districtOptions(deps.db, manager));
      if (districts.length === 0) return void (await ctx.reply(t("broadcasts.no_districts")));
      const buttons = districts.map((option, index) => ({
        label: t("broadcasts.district_option", { district: districtLabel(t, option.district), count: option.people }),
        data: districtPickData.pack(index),
      }));
      await ctx.reply(t("broadcasts.ask_district"), { reply_markup: pickerKeyboard(t, buttons) });
      const answer = await waitForChoice(conversation, t, districtPickData, composeData);
      throwIfCancelled(answer);
      const district = "choice" in answer ? districts[answer.choice[0]]?.district : undefined;
      return district === undefined ? undefined : { kind, district };
    }
  }
}

/**
 * A text for each language of the audience. The first one (German when the audience reads German)
 * is the fallback, stored as textDe: a later language may keep it with "same text as above", and
 * anyone whose language has no text of its own gets it.
 */
async function askTexts(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  languages: readonly Language[],
): Promise<{ textDe: string; texts: Partial<Record<Language, string>> }> {
  let fallback: string | undefined;
  const texts: Partial<Record<Language, string>> = {};
  for (const language of languages) {
    const question = t("broadcasts.ask_text", { language: translator(language)("language.name") });
    const text = await askText(
      conversation,
      ctx,
      t,
      question,
      fallback === undefined ? cancelStepKeyboard(t) : sameTextKeyboard(t),
    );
    if (text !== undefined) texts[language] = text;
    fallback ??= text;
  }
  if (fallback === undefined) throw new Cancelled(); // only a forged "same text" button can skip the first text
  return { textDe: fallback, texts };
}

/** The text, or undefined when the step's "same text as above" button was pressed. */
async function askText(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  question: string,
  keyboard: ReturnType<typeof cancelStepKeyboard>,
): Promise<string | undefined> {
  await ctx.reply(question, { reply_markup: keyboard });
  const answer = await waitForTextOrButton(conversation, t, {
    schema: textSchema,
    invalidKey: "broadcasts.invalid_text",
    buttons: composeData,
  });
  if (answer.kind === "text") return answer.value;
  if (answer.values[0] === "same_text") return undefined;
  throw new Cancelled();
}

async function askAttachment(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  longestText: number,
): Promise<{ photoFileId?: string; documentFileId?: string }> {
  await ctx.reply(t("broadcasts.ask_attachment"), { reply_markup: attachmentKeyboard(t) });
  for (;;) {
    const answer = await conversation.wait();
    const action = composeData.unpack(answer.callbackQuery?.data)?.[0];
    if (answer.callbackQuery) await answer.answerCallbackQuery(action ? {} : { text: t("errors.button_expired") });
    if (action === "cancel") throw new Cancelled();
    if (action === "no_attachment") return {};
    const photo = answer.message?.photo?.at(-1)?.file_id;
    const document = answer.message?.document?.file_id;
    if ((photo || document) && longestText > MAX_CAPTION_LENGTH) {
      await answer.reply(t("broadcasts.caption_too_long"), { reply_markup: attachmentKeyboard(t) });
    } else if (photo) {
      return { photoFileId: photo };
    } else if (document) {
      return { documentFileId: document };
    } else if (!answer.callbackQuery) {
      await answer.reply(t("broadcasts.attachment_expected"), { reply_markup: attachmentKeyboard(t) });
    }
  }
}

/** The manager sees the message of each language of the audience exactly as its readers will. */
async function preview(
  ctx: ConversationContext,
  t: Translate,
  content: BroadcastContent,
  languages: readonly Language[],
): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  for (const language of languages) {
    await ctx.reply(t("broadcasts.preview_title", { language: translator(language)("language.name") }));
    await sendBroadcastMessage(ctx.api, chatId, content, language);
  }
}

/** "TT.MM.JJJJ HH:MM" on the office's clock. */
const dateTimeSchema = z
  .string()
  .trim()
  .regex(/^\S+\s+\d{1,2}:\d{2}$/);

/** When to send: undefined for now, or a future instant. */
async function askWhen(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  deps: BotDeps,
  reach: number,
): Promise<Date | undefined> {
  const now = await conversation.external(() => deps.clock().getTime());
  const today = calendarDayOf(new Date(now), deps.timeZone);
  const at = {
    today_18: clockTimeOn(today, "18:00", deps.timeZone),
    tomorrow_09: clockTimeOn(addDays(today, 1), "09:00", deps.timeZone),
  };
  const choices = SCHEDULE_CHOICES.filter((choice) => choice !== "today_18" || at.today_18.getTime() > now);
  await ctx.reply(t("broadcasts.ask_when", { reach }), { reply_markup: whenKeyboard(t, choices) });
  for (;;) {
    const {
      values: [choice],
    } = await waitForButton(conversation, composeData, t);
    switch (choice) {
      case "now":
        return undefined;
      case "today_18":
      case "tomorrow_09":
        return at[choice];
      case "other":
        return askDateTime(conversation, ctx, t, deps, now);
      case "cancel":
        throw new Cancelled();
      case "same_text":
      case "no_attachment":
      case "send":
        continue; // a button of an earlier step
    }
  }
}

async function askDateTime(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  deps: BotDeps,
  now: number,
): Promise<Date> {
  await ctx.reply(t("broadcasts.ask_datetime"), { reply_markup: cancelStepKeyboard(t) });
  for (;;) {
    const answer = await waitForTextOrButton(conversation, t, {
      schema: dateTimeSchema,
      invalidKey: "broadcasts.invalid_datetime",
      buttons: composeData,
    });
    if (answer.kind === "button") throw new Cancelled();
    const [dayText = "", timeText = ""] = answer.value.split(/\s+/);
    const day = parseLocalDay(dayText);
    const time = parseClockTime(timeText);
    const instant = day && time ? clockTimeOn(day, time, deps.timeZone) : undefined;
    if (instant && instant.getTime() > now) return instant;
    await answer.ctx.reply(t("broadcasts.invalid_datetime"));
  }
}
