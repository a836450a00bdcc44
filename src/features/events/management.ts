import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { requireRole } from "../../bot/middleware.js";
import { formatDateTime, localized, type Translate } from "../../i18n.js";
import { hasRole } from "../onboarding/service.js";
import { checkinLink } from "./checkin.js";
import { announceCancellation } from "./notifications.js";
import { addWalkIns, cancelEvent, checkInRsvp, closeAttendance, ensureCheckinCode, eventAttendance, organisedEvents, type Attendance } from "./service.js";

const ORGANISE_ACTIONS = ["list", "event", "people", "checkin", "walkin", "code", "cancel", "cancel_yes", "close", "close_yes"] as const;
/** The target is an event id, or for "checkin" a sign-up (rsvp) id. */
export const organiseData = defineCallbackData("evo", z.tuple([z.enum(ORGANISE_ACTIONS), z.coerce.number().int().min(0)]));

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
      case "walkin": {
        const result = await addWalkIns(deps.db, ctx.person, target, 1, now);
        if (result.outcome === "not_found") return ctx.answerCallbackQuery({ text: ctx.t("events.unavailable"), show_alert: true });
        if (result.outcome === "not_open") return ctx.answerCallbackQuery({ text: ctx.t("events.organiser_not_open"), show_alert: true });
        await ctx.answerCallbackQuery({ text: ctx.t("events.walk_in_added", { count: result.total }) });
        return showEvent(ctx, target, true);
      }
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
    }
  });

  async function showEvents(ctx: BotContext): Promise<void> {
    const events = await organisedEvents(deps.db, ctx.person, deps.clock());
    const keyboard = new InlineKeyboard();
    for (const event of events.slice(0, MAX_LISTED)) {
      const mark = event.cancelledAt ? ctx.t("events.cancelled_mark") : "";
      keyboard.text(`${formatDateTime(event.startsAt, ctx.language, deps.timeZone)} · ${localized(event, "title", ctx.language)}${mark}`, organiseData.pack("event", event.id)).row();
    }
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
      keyboard.text(ctx.t("events.walk_in_button"), organiseData.pack("walkin", eventId)).row();
      if (event.endsAt <= now) keyboard.text(ctx.t("events.close_button"), organiseData.pack("close", eventId)).row();
      if (hasRole(ctx.person, "manager") && event.endsAt > now) keyboard.text(ctx.t("events.cancel_button"), organiseData.pack("cancel", eventId)).row();
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
      ctx.t("events.people_title", { title: localized(attendance.event, "title", ctx.language), checkedIn: attendance.checkedIn, going: attendance.going.length }),
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

  return { composer, conversations: [] };
}

function overviewText(t: Translate, attendance: Attendance, when: string, title: string): string {
  const { event } = attendance;
  const people = attendance.going.reduce((sum, { rsvp }) => sum + rsvp.partySize, 0);
  const status = event.cancelledAt ? t("events.status_cancelled") : event.attendanceClosedAt ? t("events.status_closed") : undefined;
  const summary = t("events.overview", {
    title,
    when,
    going: attendance.going.length,
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
