import { createConversation } from "@grammyjs/conversations";
import { z } from "zod";
import type { BotContext, BotDeps, ConversationContext } from "../../../bot/context.js";
import type { BotConversation } from "../../../bot/conversation-helpers.js";
import {
  ask,
  askChoice,
  askNewValue,
  capacitySchema,
  confirmAndAct,
  daySchema,
  loadActor,
  longText,
  required,
  runForm,
  shortText,
} from "../../../bot/wizard.js";
import { formatDate, formatWeekday, localized, type Translate } from "../../../i18n.js";
import { addDays, clockTimeOn, isoWeekdayOf, parseClockTime } from "../../../time.js";
import type { EditableField } from "../../appointments/fields.js";
import { addWalkIns } from "../checkin-service.js";
import { announceEventPromotions } from "../notifications.js";
import { EVENT_KINDS } from "../service.js";
import { backToEventKeyboard } from "./keyboards.js";
import { createEvents, updateEvent, type EventInput } from "./service.js";

export const EVENT_CREATION = "event-creation";
export const EVENT_EDIT = "event-edit";
export const EVENT_WALK_INS = "event-walk-ins";

export function eventManagementConversations(deps: BotDeps) {
  return [eventCreationConversation(deps), eventEditConversation(deps), walkInsConversation(deps)];
}

/** "18:30-21:00" (or with "–"), the end later than the start. */
const timeSpanSchema = z.string().transform((text, ctx) => {
  const match = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  const from = match ? parseClockTime(match[1] ?? "") : undefined;
  const to = match ? parseClockTime(match[2] ?? "") : undefined;
  if (!from || !to || to <= from) {
    ctx.addIssue({ code: "custom", message: "not a time span" });
    return z.NEVER;
  }
  return { from, to };
});
const weeksSchema = z.coerce.number().int().min(1).max(52);

async function askEvent(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  organiserId: number,
): Promise<EventInput> {
  const text = async (key: string, schema: z.ZodType<string>, invalidKey: string) =>
    required(await ask(conversation, ctx, t, t(key), schema, invalidKey));
  const titleDe = await text("events.ask_title_de", shortText, "manage.invalid_title");
  const titleRu = await text("events.ask_title_ru", shortText, "manage.invalid_title");
  const descriptionDe = await text("events.ask_description_de", longText, "manage.invalid_description");
  const descriptionRu = await text("events.ask_description_ru", longText, "manage.invalid_description");
  const kind = required(
    await askChoice(
      conversation,
      ctx,
      t,
      t("events.ask_kind"),
      EVENT_KINDS.map((value) => ({ label: t(`events.filter.${value}`), value })),
    ),
  );
  const day = required(await ask(conversation, ctx, t, t("events.ask_day"), daySchema, "manage.invalid_day"));
  const time = required(await ask(conversation, ctx, t, t("events.ask_time"), timeSpanSchema, "events.invalid_time"));
  const place = await text("events.ask_place", shortText, "manage.invalid_place");
  const capacity = await ask(
    conversation,
    ctx,
    t,
    t("events.ask_capacity"),
    capacitySchema,
    "manage.invalid_capacity",
    t("events.no_limit"),
  );
  const asksPartySize = required(
    await askChoice(conversation, ctx, t, t("events.ask_party"), [
      { label: t("events.party_yes"), value: true },
      { label: t("events.party_no"), value: false },
    ]),
  );
  const weeks = await ask(
    conversation,
    ctx,
    t,
    t("events.ask_weeks"),
    weeksSchema,
    "events.invalid_weeks",
    t("events.once"),
  );
  return {
    titleDe,
    titleRu,
    descriptionDe,
    descriptionRu,
    kind,
    place,
    capacity: capacity === "default" ? null : capacity,
    asksPartySize,
    organiserId,
    day,
    from: time.from,
    to: time.to,
    weeks: weeks === "default" ? 1 : weeks,
  };
}

/** A new event or weekly series, asked step by step in both languages, then a summary to confirm. */
function eventCreationConversation(deps: BotDeps) {
  async function eventCreation(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
  ): Promise<void> {
    await runForm(conversation, ctx, deps.db, personId, async (t, language) => {
      const input = await askEvent(conversation, ctx, t, personId);
      const when = {
        weekday: formatWeekday(isoWeekdayOf(input.day), language),
        date: formatDate(clockTimeOn(input.day, input.from, deps.timeZone), language, deps.timeZone),
        from: input.from,
        to: input.to,
        until: formatDate(
          clockTimeOn(addDays(input.day, 7 * (input.weeks - 1)), input.from, deps.timeZone),
          language,
          deps.timeZone,
        ),
      };
      const summary = t("events.new_summary", {
        titleDe: input.titleDe,
        titleRu: input.titleRu,
        descriptionDe: input.descriptionDe,
        descriptionRu: input.descriptionRu,
        kind: t(`events.filter.${input.kind}`),
        place: input.place,
        capacity: input.capacity ?? t("events.no_limit"),
        party: t(input.asksPartySize ? "events.summary_party_yes" : "events.summary_party_no"),
        schedule:
          input.weeks === 1
            ? t("events.schedule_once", when)
            : t("events.schedule_weekly", { ...when, count: input.weeks }),
      });
      const step = { summary, confirmLabel: t("events.create_button"), db: deps.db, personId };
      const { press, result: events } = await confirmAndAct(conversation, ctx, t, step, (actor) =>
        createEvents(deps.db, actor, input, deps.timeZone),
      );
      const first = events[0];
      const title = localized(input, "title", language);
      await press.reply(
        events.length === 1
          ? t("events.created_once", { title })
          : t("events.created", { title, count: events.length }),
        {
          reply_markup: first ? backToEventKeyboard(t, first.id, "events.open_event") : undefined,
        },
      );
    });
  }
  return createConversation<BotContext, ConversationContext>(eventCreation, EVENT_CREATION);
}

/** Changes one field of an event; more places move people up from the waiting list. */
function eventEditConversation(deps: BotDeps) {
  async function eventEdit(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    eventId: number,
    field: EditableField,
  ): Promise<void> {
    await runForm(conversation, ctx, deps.db, personId, async (t) => {
      const value = await askNewValue(conversation, ctx, t, field);
      const result = await conversation.external(async () =>
        updateEvent(deps.db, await loadActor(deps.db, personId), eventId, { field, value }),
      );
      if (result.outcome === "not_found") return void (await ctx.reply(t("events.unavailable")));
      if (result.outcome === "below_sign_ups")
        return void (await ctx.reply(t("events.capacity_below_sign_ups", { count: result.goingPeople })));
      await ctx.reply(t("manage.saved"), { reply_markup: backToEventKeyboard(t, eventId, "events.open_event") });
      if (result.promoted.length > 0) await announceEventPromotions(ctx.api, deps, result.promoted, result.event);
    });
  }
  return createConversation<BotContext, ConversationContext>(eventEdit, EVENT_EDIT);
}

/** Walk-ins counted as a typed number (e.g. after counting the room); refused once the attendance is closed. */
function walkInsConversation(deps: BotDeps) {
  async function walkIns(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    eventId: number,
  ): Promise<void> {
    const back = (t: Translate) => backToEventKeyboard(t, eventId, "events.back_to_event");
    await runForm(
      conversation,
      ctx,
      deps.db,
      personId,
      async (t) => {
        const count = required(
          await ask(conversation, ctx, t, t("events.ask_walk_ins"), capacitySchema, "manage.invalid_capacity"),
        );
        const result = await conversation.external(async () =>
          addWalkIns(deps.db, await loadActor(deps.db, personId), eventId, count, deps.clock()),
        );
        if (result.outcome === "not_found") return void (await ctx.reply(t("events.unavailable")));
        if (result.outcome === "not_open")
          return void (await ctx.reply(t("events.organiser_not_open"), { reply_markup: back(t) }));
        await ctx.reply(t("events.walk_ins_typed_added", { count, total: result.total }), { reply_markup: back(t) });
      },
      back,
    );
  }
  return createConversation<BotContext, ConversationContext>(walkIns, EVENT_WALK_INS);
}
