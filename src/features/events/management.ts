import { createConversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import type { BotConversation } from "../../bot/conversation-helpers.js";
import { requireRole } from "../../bot/middleware.js";
import {
  Cancelled,
  EDITABLE_FIELDS,
  ask,
  askChoice,
  askNewValue,
  capacitySchema,
  confirm,
  daySchema,
  loadActor,
  longText,
  required,
  shortText,
  type EditableField,
} from "../../bot/wizard.js";
import { addDays, clockTimeOn, isoWeekdayOf, parseClockTime } from "../../time.js";
import { formatDate, formatDateTime, formatWeekday, localized, translator, type Translate } from "../../i18n.js";
import { hasRole } from "../onboarding/roles.js";
import { checkinLink } from "./checkin.js";
import { announceCancellation, announceEventPromotions } from "./notifications.js";
import {
  EVENT_KINDS,
  addWalkIns,
  cancelEvent,
  checkInRsvp,
  closeAttendance,
  reopenAttendance,
  createEvents,
  ensureCheckinCode,
  eventAttendance,
  organisedEvents,
  updateEvent,
  type Attendance,
  type EventInput,
} from "./service.js";

const ORGANISE_ACTIONS = ["list", "event", "people", "checkin", "walkin", "walkin5", "walkin_typed", "code", "cancel", "cancel_yes", "close", "close_yes", "reopen", "new", "edit"] as const;
/** The target is an event id, or for "checkin" a sign-up (rsvp) id. */
export const organiseData = defineCallbackData("evo", z.tuple([z.enum(ORGANISE_ACTIONS), z.coerce.number().int().min(0)]));
export const eventEditData = defineCallbackData("evo_edit", z.tuple([z.enum(EDITABLE_FIELDS), z.coerce.number().int().positive()]));

export const EVENT_CREATION = "event-creation";
export const EVENT_EDIT = "event-edit";
export const EVENT_WALK_INS = "event-walk-ins";

const MAX_LISTED = 40;

/**
 * Organisers (managers, and instructors for the events they organise) see sign-ups and check-ins
 * live, check people in, count walk-ins, show the check-in code and close the attendance;
 * managers cancel events. Every action is checked again in the service, so a forged press
 * changes nothing.
 */
export function eventManagementFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.command("manageevents", requireRole("manager", "instructor"), (ctx) => showEvents(ctx));

  composer.callbackQuery(organiseData.filter, requireRole("manager", "instructor"), async (ctx) => {
    const [action, target] = organiseData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || target === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    const now = deps.clock();
    switch (action) {
      case "list":
        await ctx.answerCallbackQuery();
        return showEvents(ctx);
      case "new":
        await ctx.answerCallbackQuery();
        return requireRole("manager")(ctx, () => ctx.conversation.enter(EVENT_CREATION, ctx.person.id));
      case "edit":
        await ctx.answerCallbackQuery();
        return requireRole("manager")(ctx, async () => void (await ctx.reply(ctx.t("manage.edit_which"), { reply_markup: editKeyboard(ctx.t, target) })));
      case "event":
        await ctx.answerCallbackQuery();
        return showEvent(ctx, target);
      case "people":
        await ctx.answerCallbackQuery();
        return showPeople(ctx, target);
      case "checkin": {
        const result = await checkInRsvp(deps.db, ctx.person, target, now);
        if (result.outcome === "not_found") return ctx.answerCallbackQuery({ text: ctx.t("events.rsvp_gone"), show_alert: true });
        const answers = { checked_in: "events.organiser_checked_in", already_checked_in: "events.organiser_already", not_open: "events.organiser_not_open" } as const;
        await ctx.answerCallbackQuery({ text: ctx.t(answers[result.outcome]) });
        return showPeople(ctx, result.event.id, true);
      }
      case "walkin":
      case "walkin5": {
        const result = await addWalkIns(deps.db, ctx.person, target, action === "walkin5" ? 5 : 1, now);
        if (result.outcome === "not_found") return ctx.answerCallbackQuery({ text: ctx.t("events.unavailable"), show_alert: true });
        if (result.outcome === "not_open") return ctx.answerCallbackQuery({ text: ctx.t("events.organiser_not_open"), show_alert: true });
        await ctx.answerCallbackQuery({ text: ctx.t("events.walk_in_added", { count: result.total }) });
        return showEvent(ctx, target, true);
      }
      case "walkin_typed":
        await ctx.answerCallbackQuery();
        return ctx.conversation.enter(EVENT_WALK_INS, ctx.person.id, target);
      case "code": {
        await ctx.answerCallbackQuery();
        const code = await ensureCheckinCode(deps.db, ctx.person, target);
        if (!code) return void (await ctx.reply(ctx.t("events.unavailable")));
        return void (await ctx.reply(ctx.t("events.code_text", { code, link: checkinLink(ctx.me.username, code) })));
      }
      case "cancel":
        await ctx.answerCallbackQuery();
        return requireRole("manager")(ctx, async () => void (await ctx.reply(ctx.t("events.cancel_confirm"), { reply_markup: confirmKeyboard(ctx.t, "cancel_yes", target) })));
      case "cancel_yes": {
        await ctx.answerCallbackQuery();
        const result = await cancelEvent(deps.db, ctx.person, target, now);
        if (!result) return void (await ctx.reply(ctx.t("events.unavailable")));
        await ctx.editMessageText(ctx.t("events.cancelled", { count: result.recipients.length }));
        await announceCancellation(ctx.api, deps, result.recipients, result.event);
        return;
      }
      case "close":
        await ctx.answerCallbackQuery();
        return void (await ctx.reply(ctx.t("events.close_confirm"), { reply_markup: confirmKeyboard(ctx.t, "close_yes", target) }));
      case "close_yes": {
        await ctx.answerCallbackQuery();
        const result = await closeAttendance(deps.db, ctx.person, target, now);
        const answers = { closed: "events.closed", not_ended: "events.close_not_ended", already_closed: "events.close_already", not_found: "events.unavailable" } as const;
        return void (await ctx.editMessageText(ctx.t(answers[result.outcome])));
      }
      case "reopen":
        return requireRole("manager")(ctx, async () => {
          const result = await reopenAttendance(deps.db, ctx.person, target);
          if (result.outcome === "not_found") return void (await ctx.answerCallbackQuery({ text: ctx.t("events.unavailable"), show_alert: true }));
          await ctx.answerCallbackQuery({ text: ctx.t(result.outcome === "reopened" ? "events.reopened" : "events.reopen_not_closed") });
          await showEvent(ctx, target, true);
        });
    }
  });

  composer.callbackQuery(eventEditData.filter, requireRole("manager"), async (ctx) => {
    const [field, eventId] = eventEditData.unpack(ctx.callbackQuery.data) ?? [];
    if (field === undefined || eventId === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(EVENT_EDIT, ctx.person.id, eventId, field);
  });

  async function showEvents(ctx: BotContext): Promise<void> {
    const events = await organisedEvents(deps.db, ctx.person, deps.clock());
    const keyboard = new InlineKeyboard();
    for (const event of events.slice(0, MAX_LISTED)) {
      const mark = event.cancelledAt ? ctx.t("events.cancelled_mark") : "";
      keyboard.text(`${formatDateTime(event.startsAt, ctx.language, deps.timeZone)} · ${localized(event, "title", ctx.language)}${mark}`, organiseData.pack("event", event.id)).row();
    }
    if (hasRole(ctx.person, "manager")) keyboard.text(ctx.t("events.new_button"), organiseData.pack("new", 0));
    await ctx.reply(events.length > 0 ? ctx.t("events.organise_title") : ctx.t("events.organise_none"), { reply_markup: keyboard });
  }

  async function showEvent(ctx: BotContext, eventId: number, edit = false): Promise<void> {
    const attendance = await eventAttendance(deps.db, ctx.person, eventId);
    if (!attendance) return void (await ctx.reply(ctx.t("events.unavailable")));
    const { event } = attendance;
    const now = deps.clock();
    const keyboard = new InlineKeyboard().text(ctx.t("events.people_button"), organiseData.pack("people", eventId)).row();
    if (!event.cancelledAt && !event.attendanceClosedAt) {
      keyboard.text(ctx.t("events.code_button"), organiseData.pack("code", eventId)).row();
      keyboard.text(ctx.t("events.walk_in_button"), organiseData.pack("walkin", eventId)).text(ctx.t("events.walk_in_five_button"), organiseData.pack("walkin5", eventId)).row();
      keyboard.text(ctx.t("events.walk_in_typed_button"), organiseData.pack("walkin_typed", eventId)).row();
      if (event.endsAt <= now) keyboard.text(ctx.t("events.close_button"), organiseData.pack("close", eventId)).row();
      if (hasRole(ctx.person, "manager") && event.endsAt > now) {
        keyboard.text(ctx.t("events.edit_button"), organiseData.pack("edit", eventId)).row();
        keyboard.text(ctx.t("events.cancel_button"), organiseData.pack("cancel", eventId)).row();
      }
    }
    if (!event.cancelledAt && event.attendanceClosedAt && hasRole(ctx.person, "manager")) {
      keyboard.text(ctx.t("events.reopen_button"), organiseData.pack("reopen", eventId)).row();
    }
    keyboard.text(ctx.t("events.back_to_events"), organiseData.pack("list", 0));
    const text = overviewText(ctx.t, attendance, formatDateTime(event.startsAt, ctx.language, deps.timeZone), localized(event, "title", ctx.language));
    if (edit) await ctx.editMessageText(text, { reply_markup: keyboard });
    else await ctx.reply(text, { reply_markup: keyboard });
  }

  async function showPeople(ctx: BotContext, eventId: number, edit = false): Promise<void> {
    const attendance = await eventAttendance(deps.db, ctx.person, eventId);
    if (!attendance) return void (await ctx.reply(ctx.t("events.unavailable")));
    const name = (candidate: string | undefined) => candidate ?? ctx.t("events.no_name");
    const lines = attendance.going.map(({ rsvp, name: who }, index) =>
      `${index + 1}. ${rsvp.checkedInAt ? "✅" : "⬜️"} ${name(who)}${rsvp.partySize > 1 ? ` (${ctx.t("events.party", { count: rsvp.partySize })})` : ""}`,
    );
    const text = [
      ctx.t("events.people_title", { title: localized(attendance.event, "title", ctx.language), checkedIn: attendance.checkedIn, count: attendance.going.length }),
      ...(lines.length > 0 ? lines : [ctx.t("events.nobody")]),
      ...(attendance.waitlisted.length > 0 ? ["", ctx.t("events.waitlist_title", { count: attendance.waitlisted.length }), ...attendance.waitlisted.map(({ name: who }, index) => `${index + 1}. ${name(who)}`)] : []),
    ].join("\n");
    const keyboard = new InlineKeyboard();
    if (!attendance.event.cancelledAt && !attendance.event.attendanceClosedAt) {
      for (const { rsvp, name: who } of attendance.going.filter(({ rsvp }) => rsvp.checkedInAt === null).slice(0, MAX_LISTED)) {
        keyboard.text(ctx.t("events.checkin_button", { name: name(who) }), organiseData.pack("checkin", rsvp.id)).row();
      }
    }
    keyboard.text(ctx.t("events.back_to_event"), organiseData.pack("event", eventId));
    if (edit) await ctx.editMessageText(text, { reply_markup: keyboard });
    else await ctx.reply(text, { reply_markup: keyboard });
  }

  return { composer, conversations: [eventCreationConversation(deps), eventEditConversation(deps), walkInsConversation(deps)] };
}

function overviewText(t: Translate, attendance: Attendance, when: string, title: string): string {
  const { event } = attendance;
  const people = attendance.going.reduce((sum, { rsvp }) => sum + rsvp.partySize, 0);
  const status = event.cancelledAt ? t("events.status_cancelled") : event.attendanceClosedAt ? t("events.status_closed") : undefined;
  const summary = t("events.overview", {
    title,
    when,
    count: attendance.going.length,
    people,
    capacity: event.capacity ?? "∞",
    waiting: attendance.waitlisted.length,
    checkedIn: attendance.checkedIn,
    walkIns: attendance.walkIns,
  });
  return status ? `${summary}\n\n${status}` : summary;
}

function confirmKeyboard(t: Translate, action: (typeof ORGANISE_ACTIONS)[number], target: number): InlineKeyboard {
  return new InlineKeyboard().text(t("events.confirm_yes"), organiseData.pack(action, target)).row().text(t("events.confirm_no"), organiseData.pack("event", target));
}

function editKeyboard(t: Translate, eventId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const field of EDITABLE_FIELDS) keyboard.text(t(`manage.field.${field}`), eventEditData.pack(field, eventId)).row();
  return keyboard.text(t("events.back_to_event"), organiseData.pack("event", eventId));
}

// ───────────────────────────── conversations ─────────────────────────────

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

async function askEvent(conversation: BotConversation, ctx: ConversationContext, t: Translate, organiserId: number): Promise<EventInput> {
  const text = async (key: string, schema: z.ZodType<string>, invalidKey: string) => required(await ask(conversation, ctx, t, t(key), schema, invalidKey));
  const titleDe = await text("events.ask_title_de", shortText, "manage.invalid_title");
  const titleRu = await text("events.ask_title_ru", shortText, "manage.invalid_title");
  const descriptionDe = await text("events.ask_description_de", longText, "manage.invalid_description");
  const descriptionRu = await text("events.ask_description_ru", longText, "manage.invalid_description");
  const kind = required(await askChoice(conversation, ctx, t, t("events.ask_kind"), EVENT_KINDS.map((value) => ({ label: t(`events.filter.${value}`), value }))));
  const day = required(await ask(conversation, ctx, t, t("events.ask_day"), daySchema, "manage.invalid_day"));
  const time = required(await ask(conversation, ctx, t, t("events.ask_time"), timeSpanSchema, "events.invalid_time"));
  const place = await text("events.ask_place", shortText, "manage.invalid_place");
  const capacity = await ask(conversation, ctx, t, t("events.ask_capacity"), capacitySchema, "manage.invalid_capacity", t("events.no_limit"));
  const asksPartySize = required(
    await askChoice(conversation, ctx, t, t("events.ask_party"), [
      { label: t("events.party_yes"), value: true },
      { label: t("events.party_no"), value: false },
    ]),
  );
  const weeks = await ask(conversation, ctx, t, t("events.ask_weeks"), weeksSchema, "events.invalid_weeks", t("events.once"));
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
  async function eventCreation(conversation: BotConversation, ctx: ConversationContext, personId: number): Promise<void> {
    const language = await conversation.external(async () => (await loadActor(deps.db, personId)).language);
    const t = translator(language);
    try {
      const input = await askEvent(conversation, ctx, t, personId);
      const when = {
        weekday: formatWeekday(isoWeekdayOf(input.day), language),
        date: formatDate(clockTimeOn(input.day, input.from, deps.timeZone), language, deps.timeZone),
        from: input.from,
        to: input.to,
        until: formatDate(clockTimeOn(addDays(input.day, 7 * (input.weeks - 1)), input.from, deps.timeZone), language, deps.timeZone),
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
        schedule: input.weeks === 1 ? t("events.schedule_once", when) : t("events.schedule_weekly", { ...when, count: input.weeks }),
      });
      const press = await confirm(conversation, ctx, t, summary, t("events.create_button"));
      const events = await conversation.external(async () => createEvents(deps.db, await loadActor(deps.db, personId), input, deps.timeZone));
      const first = events[0];
      const title = localized(input, "title", language);
      await press.reply(events.length === 1 ? t("events.created_once", { title }) : t("events.created", { title, count: events.length }), {
        reply_markup: first ? new InlineKeyboard().text(t("events.open_event"), organiseData.pack("event", first.id)) : undefined,
      });
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(eventCreation, EVENT_CREATION);
}

/** Changes one field of an event; more places move people up from the waiting list. */
function eventEditConversation(deps: BotDeps) {
  async function eventEdit(conversation: BotConversation, ctx: ConversationContext, personId: number, eventId: number, field: EditableField): Promise<void> {
    const t = translator(await conversation.external(async () => (await loadActor(deps.db, personId)).language));
    try {
      const value = await askNewValue(conversation, ctx, t, field);
      const result = await conversation.external(async () => updateEvent(deps.db, await loadActor(deps.db, personId), eventId, { field, value }));
      if (result.outcome === "not_found") return void (await ctx.reply(t("events.unavailable")));
      if (result.outcome === "below_sign_ups") return void (await ctx.reply(t("events.capacity_below_sign_ups", { count: result.goingPeople })));
      await ctx.reply(t("manage.saved"), { reply_markup: new InlineKeyboard().text(t("events.open_event"), organiseData.pack("event", eventId)) });
      if (result.promoted.length > 0) await announceEventPromotions(ctx.api, deps, result.promoted, result.event);
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(eventEdit, EVENT_EDIT);
}

/** Walk-ins counted as a typed number (e.g. after counting the room); refused once the attendance is closed. */
function walkInsConversation(deps: BotDeps) {
  async function walkIns(conversation: BotConversation, ctx: ConversationContext, personId: number, eventId: number): Promise<void> {
    const t = translator(await conversation.external(async () => (await loadActor(deps.db, personId)).language));
    const back = new InlineKeyboard().text(t("events.back_to_event"), organiseData.pack("event", eventId));
    try {
      const count = required(await ask(conversation, ctx, t, t("events.ask_walk_ins"), capacitySchema, "manage.invalid_capacity"));
      const result = await conversation.external(async () => addWalkIns(deps.db, await loadActor(deps.db, personId), eventId, count, deps.clock()));
      if (result.outcome === "not_found") return void (await ctx.reply(t("events.unavailable")));
      if (result.outcome === "not_open") return void (await ctx.reply(t("events.organiser_not_open"), { reply_markup: back }));
      await ctx.reply(t("events.walk_ins_typed_added", { count, total: result.total }), { reply_markup: back });
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"), { reply_markup: back });
    }
  }
  return createConversation<BotContext, ConversationContext>(walkIns, EVENT_WALK_INS);
}
