import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../../../bot/context.js";
import { requireRole } from "../../../bot/middleware.js";
import { formatDateTime, localized, type Translate } from "../../../i18n.js";
import { hasRole } from "../../../people/roles.js";
import { checkinLink } from "../checkin.js";
import { addWalkIns, checkInRsvp, closeAttendance, ensureCheckinCode, reopenAttendance } from "../checkin-service.js";
import { announceCancellation } from "../notifications.js";
import { EVENT_CREATION, EVENT_EDIT, EVENT_WALK_INS, eventManagementConversations } from "./conversations.js";
import {
  checkInKeyboard,
  confirmKeyboard,
  editKeyboard,
  eventEditData,
  eventKeyboard,
  eventListKeyboard,
  organiseData,
} from "./keyboards.js";
import { cancelEvent, eventAttendance, organisedEvents, type Attendance } from "./service.js";

const CHECK_IN_ANSWERS = {
  checked_in: "events.organiser_checked_in",
  already_checked_in: "events.organiser_already",
  not_open: "events.organiser_not_open",
} as const;
const CLOSE_ANSWERS = {
  closed: "events.closed",
  not_ended: "events.close_not_ended",
  already_closed: "events.close_already",
  not_found: "events.unavailable",
} as const;

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
    if (action === undefined || target === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
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
        return requireRole("manager")(
          ctx,
          async () => void (await ctx.reply(ctx.t("manage.edit_which"), { reply_markup: editKeyboard(ctx.t, target) })),
        );
      case "event":
        await ctx.answerCallbackQuery();
        return showEvent(ctx, target);
      case "people":
        await ctx.answerCallbackQuery();
        return showPeople(ctx, target);
      case "checkin": {
        const result = await checkInRsvp(deps.db, ctx.person, target, now);
        if (result.outcome === "not_found")
          return ctx.answerCallbackQuery({ text: ctx.t("events.rsvp_gone"), show_alert: true });
        await ctx.answerCallbackQuery({ text: ctx.t(CHECK_IN_ANSWERS[result.outcome]) });
        return showPeople(ctx, result.event.id, true);
      }
      case "walkin":
      case "walkin5": {
        const result = await addWalkIns(deps.db, ctx.person, target, action === "walkin5" ? 5 : 1, now);
        if (result.outcome === "not_found")
          return ctx.answerCallbackQuery({ text: ctx.t("events.unavailable"), show_alert: true });
        if (result.outcome === "not_open")
          return ctx.answerCallbackQuery({ text: ctx.t("events.organiser_not_open"), show_alert: true });
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
        return requireRole("manager")(
          ctx,
          async () =>
            void (await ctx.reply(ctx.t("events.cancel_confirm"), {
              reply_markup: confirmKeyboard(ctx.t, "cancel_yes", target),
            })),
        );
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
        return void (await ctx.reply(ctx.t("events.close_confirm"), {
          reply_markup: confirmKeyboard(ctx.t, "close_yes", target),
        }));
      case "close_yes": {
        await ctx.answerCallbackQuery();
        const result = await closeAttendance(deps.db, ctx.person, target, now);
        return void (await ctx.editMessageText(ctx.t(CLOSE_ANSWERS[result.outcome])));
      }
      case "reopen":
        return requireRole("manager")(ctx, async () => {
          const result = await reopenAttendance(deps.db, ctx.person, target);
          if (result.outcome === "not_found")
            return void (await ctx.answerCallbackQuery({ text: ctx.t("events.unavailable"), show_alert: true }));
          await ctx.answerCallbackQuery({
            text: ctx.t(result.outcome === "reopened" ? "events.reopened" : "events.reopen_not_closed"),
          });
          await showEvent(ctx, target, true);
        });
    }
  });

  composer.callbackQuery(eventEditData.filter, requireRole("manager"), async (ctx) => {
    const [field, eventId] = eventEditData.unpack(ctx.callbackQuery.data) ?? [];
    if (field === undefined || eventId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(EVENT_EDIT, ctx.person.id, eventId, field);
  });

  async function showEvents(ctx: BotContext): Promise<void> {
    const events = await organisedEvents(deps.db, ctx.person, deps.clock());
    const reply_markup = eventListKeyboard(ctx.t, ctx.language, events, hasRole(ctx.person, "manager"), deps.timeZone);
    await ctx.reply(events.length > 0 ? ctx.t("events.organise_title") : ctx.t("events.organise_none"), {
      reply_markup,
    });
  }

  async function showEvent(ctx: BotContext, eventId: number, edit = false): Promise<void> {
    const attendance = await eventAttendance(deps.db, ctx.person, eventId);
    if (!attendance) return void (await ctx.reply(ctx.t("events.unavailable")));
    const { event } = attendance;
    const reply_markup = eventKeyboard(ctx.t, event, { manager: hasRole(ctx.person, "manager"), now: deps.clock() });
    const text = overviewText(
      ctx.t,
      attendance,
      formatDateTime(event.startsAt, ctx.language, deps.timeZone),
      localized(event, "title", ctx.language),
    );
    if (edit) await ctx.editMessageText(text, { reply_markup });
    else await ctx.reply(text, { reply_markup });
  }

  async function showPeople(ctx: BotContext, eventId: number, edit = false): Promise<void> {
    const attendance = await eventAttendance(deps.db, ctx.person, eventId);
    if (!attendance) return void (await ctx.reply(ctx.t("events.unavailable")));
    const name = (candidate: string | undefined) => candidate ?? ctx.t("events.no_name");
    const lines = attendance.going.map(
      ({ rsvp, name: who }, index) =>
        `${index + 1}. ${rsvp.checkedInAt ? "✅" : "⬜️"} ${name(who)}${rsvp.partySize > 1 ? ` (${ctx.t("events.party", { count: rsvp.partySize })})` : ""}`,
    );
    const text = [
      ctx.t("events.people_title", {
        title: localized(attendance.event, "title", ctx.language),
        checkedIn: attendance.checkedIn,
        count: attendance.going.length,
      }),
      ...(lines.length > 0 ? lines : [ctx.t("events.nobody")]),
      ...(attendance.waitlisted.length > 0
        ? [
            "",
            ctx.t("events.waitlist_title", { count: attendance.waitlisted.length }),
            ...attendance.waitlisted.map(({ name: who }, index) => `${index + 1}. ${name(who)}`),
          ]
        : []),
    ].join("\n");
    const reply_markup = checkInKeyboard(ctx.t, attendance.event, attendance.going, name);
    if (edit) await ctx.editMessageText(text, { reply_markup });
    else await ctx.reply(text, { reply_markup });
  }

  return { composer, conversations: eventManagementConversations(deps) };
}

function overviewText(t: Translate, attendance: Attendance, when: string, title: string): string {
  const { event } = attendance;
  const people = attendance.going.reduce((sum, { rsvp }) => sum + rsvp.partySize, 0);
  const status = event.cancelledAt
    ? t("events.status_cancelled")
    : event.attendanceClosedAt
      ? t("events.status_closed")
      : undefined;
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
