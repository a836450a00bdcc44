import { Composer, InputFile, type Context } from "grammy";
import { inArrivalOrder } from "../../bot/arrival-order.js";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { pageCount } from "../../bot/pager.js";
import { requireConsent } from "../../bot/middleware.js";
import { calendarFile } from "../../calendar.js";
import type { Event, Rsvp } from "../../generated/prisma/client.js";
import { formatDateTime, formatTime, localized, type Language, type Translate } from "../../i18n.js";
import { checkinFeature } from "./checkin.js";
import {
  PAGE_SIZE,
  afterLeavingKeyboard,
  eventData,
  eventDetailsKeyboard,
  eventListData,
  eventListKeyboard,
  eventRemindersData,
  leaveConfirmKeyboard,
  partySizeKeyboard,
  partyTooLargeKeyboard,
  type EventFilter,
} from "./keyboards.js";
import { eventManagementFeature } from "./management/composer.js";
import { announceEventPromotions } from "./notifications.js";
import {
  cancelRsvp,
  currentRsvp,
  maxPartySize,
  getEventSummary,
  isOpenForSignUp,
  listUpcomingEvents,
  setEventReminders,
  signUp,
  type EventSummary,
} from "./service.js";
import { shortlyBefore } from "../../jobs/reminder-times.js";

/** Residents browse the events of the next 30 days, sign up (with waiting list), cancel, check in. */
export function eventsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const checkin = checkinFeature(deps);
  const management = eventManagementFeature(deps);

  composer.command("events", (ctx) => showList(ctx, "all", 0, false));

  composer.callbackQuery(eventListData.filter, async (ctx) => {
    const [filter, page] = eventListData.unpack(ctx.callbackQuery.data) ?? [];
    if (filter === undefined || page === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await showList(ctx, filter, page, true);
  });

  composer.callbackQuery(eventData.filter, async (ctx) => {
    const [action, eventId, filter, value] = eventData.unpack(ctx.callbackQuery.data) ?? [];
    const summary = eventId === undefined ? undefined : await getEventSummary(deps.db, eventId);
    // A stale button of a cancelled or deleted event gets a polite answer.
    if (!summary || summary.event.cancelledAt || action === undefined || filter === undefined || value === undefined) {
      return ctx.answerCallbackQuery({ text: ctx.t("events.unavailable"), show_alert: true });
    }
    const { event } = summary;
    switch (action) {
      case "show":
        await ctx.answerCallbackQuery();
        return showDetails(ctx, summary, filter, value);
      case "calendar":
        await ctx.answerCallbackQuery();
        return sendCalendar(ctx, event);
      case "join":
        return requireConsent(ctx, async () => {
          await ctx.answerCallbackQuery();
          if (!isOpenForSignUp(event, deps.clock())) return void (await ctx.reply(ctx.t("events.unavailable")));
          if (!event.asksPartySize) return join(ctx, event, 1);
          await ctx.editMessageText(
            ctx.t("events.ask_party_size", { title: localized(event, "title", ctx.language) }),
            {
              reply_markup: partySizeKeyboard(ctx.t, event.id, filter, value, maxPartySize(event)),
            },
          );
        });
      case "party":
      case "party_wait":
        return requireConsent(ctx, async () => {
          await ctx.answerCallbackQuery();
          await join(ctx, event, value, action === "party_wait");
        });
      case "leave":
        return requireConsent(ctx, async () => {
          await ctx.answerCallbackQuery();
          await ctx.editMessageText(ctx.t("events.leave_confirm", { title: localized(event, "title", ctx.language) }), {
            reply_markup: leaveConfirmKeyboard(ctx.t, event.id, filter, value),
          });
        });
      case "leave_yes":
        return requireConsent(ctx, async () => {
          await ctx.answerCallbackQuery();
          const result = await inArrivalOrder(deps.arrivalOrder, ctx.update.update_id, () =>
            cancelRsvp(deps.db, ctx.person.id, event.id, deps.clock()),
          );
          if (result.outcome !== "cancelled") return void (await ctx.reply(ctx.t("events.rsvp_gone")));
          await ctx.editMessageText(ctx.t("events.left", { title: localized(event, "title", ctx.language) }), {
            reply_markup: afterLeavingKeyboard(ctx.t, event.id, filter, value),
          });
          if (result.promoted.length > 0) await announceEventPromotions(ctx.api, deps, result.promoted, result.event);
        });
    }
  });

  composer.callbackQuery(eventRemindersData.filter, requireConsent, async (ctx) => {
    const [state] = eventRemindersData.unpack(ctx.callbackQuery.data) ?? [];
    if (state === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await setEventReminders(deps.db, ctx.person.id, state === "on");
    await ctx.answerCallbackQuery({
      text: ctx.t(state === "on" ? "events.reminders_now_on" : "events.reminders_now_off"),
    });
    ctx.person.eventReminders = state === "on";
    await showList(ctx, "all", 0, true);
  });

  composer.use(checkin.composer, management.composer);

  async function showList(ctx: BotContext, filter: EventFilter, page: number, edit: boolean): Promise<void> {
    const { summaries, total } = await listUpcomingEvents(
      deps.db,
      filter === "all" ? undefined : filter,
      page,
      PAGE_SIZE,
      deps.clock(),
    );
    const pages = pageCount(total, PAGE_SIZE);
    const buttons = summaries.map((summary) => ({
      id: summary.event.id,
      label: listLabel(ctx.t, ctx.language, summary, deps.timeZone),
    }));
    const kind = ctx.t(`events.filter.${filter}`);
    const text =
      total === 0 ? ctx.t("events.none", { kind }) : ctx.t("events.list_title", { kind, page: page + 1, pages });
    const reply_markup = eventListKeyboard(ctx.t, filter, page, pages, buttons, ctx.person.eventReminders);
    if (edit) await ctx.editMessageText(text, { reply_markup });
    else await ctx.reply(text, { reply_markup });
  }

  async function showDetails(ctx: BotContext, summary: EventSummary, filter: EventFilter, page: number): Promise<void> {
    const rsvp = await currentRsvp(deps.db, ctx.person.id, summary.event.id);
    const text = detailsText(ctx.t, ctx.language, summary, rsvp, deps.timeZone);
    const state = {
      open: isOpenForSignUp(summary.event, deps.clock()),
      signedUp: rsvp !== undefined,
      checkedIn: rsvp?.checkedInAt != null,
    };
    await ctx.editMessageText(text, {
      reply_markup: eventDetailsKeyboard(ctx.t, summary.event.id, filter, page, state),
    });
  }

  async function join(ctx: BotContext, event: Event, partySize: number, wait = false): Promise<void> {
    const title = localized(event, "title", ctx.language);
    const result = await inArrivalOrder(deps.arrivalOrder, ctx.update.update_id, () =>
      signUp(deps.db, { eventId: event.id, personId: ctx.person.id, partySize, wait }, deps.clock()),
    );
    const back = eventDetailsKeyboard(ctx.t, event.id, "all", 0, {
      open: result.outcome !== "unavailable",
      signedUp: result.outcome !== "unavailable",
    });
    switch (result.outcome) {
      case "going": {
        // The last reminder comes two hours before the start, and only to those who want them.
        const remindersWillCome = ctx.person.eventReminders && shortlyBefore(event.startsAt) > deps.clock();
        const key = remindersWillCome ? "events.signed_up" : "events.signed_up_no_reminders";
        return void (await ctx.editMessageText(ctx.t(key, { title, count: result.rsvp.partySize }), {
          reply_markup: back,
        }));
      }
      case "waitlisted": {
        const text =
          result.rsvp.partySize > 1
            ? ctx.t("events.waitlisted_party", { title, position: result.position, people: result.rsvp.partySize })
            : ctx.t("events.waitlisted", { title, position: result.position });
        return void (await ctx.editMessageText(text, { reply_markup: back }));
      }
      case "does_not_fit": {
        const free = ctx.t("events.places_left", { count: result.placesLeft });
        const text = ctx.t("events.party_too_large", { title, people: result.partySize, free });
        return void (await ctx.editMessageText(text, {
          reply_markup: partyTooLargeKeyboard(ctx.t, event.id, "all", result.placesLeft, result.partySize),
        }));
      }
      case "already_signed_up":
        return void (await ctx.reply(ctx.t("events.already_signed_up", { title })));
      case "unavailable":
        return void (await ctx.reply(ctx.t("events.unavailable")));
    }
  }

  async function sendCalendar(ctx: BotContext, event: Event): Promise<void> {
    const title = localized(event, "title", ctx.language);
    const entry = {
      uid: `belm-event-${event.id}`,
      title,
      description: localized(event, "description", ctx.language),
      place: event.place,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
    };
    const ics = calendarFile([entry], deps.clock());
    await ctx.replyWithDocument(new InputFile(Buffer.from(ics, "utf8"), `veranstaltung-${event.id}.ics`), {
      caption: ctx.t("events.calendar_caption", { title }),
    });
  }

  /** Presses that take or free places: they are decided in the order people pressed. */
  function decidesSeats(ctx: Context): boolean {
    const action = eventData.unpack(ctx.callbackQuery?.data)?.[0];
    return action === "join" || action === "party" || action === "party_wait" || action === "leave_yes";
  }

  return { conversations: management.conversations, composer, startPayloads: [checkin.startPayload], decidesSeats };
}

function availability(t: Translate, summary: EventSummary): string | undefined {
  if (summary.placesLeft === null) return undefined;
  return summary.placesLeft > 0
    ? t("events.places_left", { count: summary.placesLeft })
    : t("events.full", { count: summary.waitlistCount });
}

function listLabel(t: Translate, language: Language, summary: EventSummary, timeZone: string): string {
  const when = formatDateTime(summary.event.startsAt, language, timeZone);
  return [when, localized(summary.event, "title", language), availability(t, summary)].filter(Boolean).join(" · ");
}

function detailsText(
  t: Translate,
  language: Language,
  summary: EventSummary,
  rsvp: Rsvp | undefined,
  timeZone: string,
): string {
  const { event } = summary;
  const places = availability(t, summary);
  const mine =
    rsvp === undefined
      ? undefined
      : rsvp.status === "going"
        ? t("events.you_are_going", { count: rsvp.partySize })
        : t("events.you_are_waiting");
  return [
    t("events.details", {
      title: localized(event, "title", language),
      kind: t(`events.filter.${event.kind}`),
      when: formatDateTime(event.startsAt, language, timeZone),
      until: formatTime(event.endsAt, language, timeZone),
      place: event.place,
      description: localized(event, "description", language),
    }),
    places,
    mine,
  ]
    .filter(Boolean)
    .join("\n\n");
}
