import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { editInPlace } from "../../bot/edit-message.js";
import { requireRole } from "../../bot/middleware.js";
import { formatDateTime, localized } from "../../i18n.js";
import { managedCourses } from "../courses/service.js";
import { ATTENDANCE_CHECKLIST, attendanceChecklistConversation } from "./conversations.js";
import { pageCount, pagerRow } from "../../bot/pager.js";
import { LIST_PAGE_SIZE, attendanceData, outcomeListData, pagerLabels } from "./keyboards.js";
import { outcomesFeature } from "./outcomes.js";
import { courseHasEnded, pastSessions, sessionsToMark, type SessionEntry } from "./service.js";

/**
 * Instructors and managers: /attendance lists today's sessions and the recent ones still
 * missing; "all courses" leads to a course's earlier sessions and its outcomes. Every screen is
 * the same message, edited in place; the checklist itself is a conversation.
 */
export function attendanceFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const staff = requireRole("manager", "instructor");
  const outcomes = outcomesFeature(deps);

  composer.command("attendance", staff, (ctx) => showToday(ctx, false));

  composer.callbackQuery(attendanceData.filter, staff, async (ctx) => {
    const [view, target, page] = attendanceData.unpack(ctx.callbackQuery.data) ?? [];
    if (view === undefined || target === undefined || page === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    switch (view) {
      case "today":
        return showToday(ctx, true);
      case "courses":
        return showCourses(ctx, page);
      case "sessions":
        return showSessions(ctx, target, page);
      case "open":
        return ctx.conversation.enter(ATTENDANCE_CHECKLIST, ctx.person.id, target);
    }
  });

  composer.use(outcomes);

  function sessionButton(ctx: BotContext, entry: SessionEntry, withTitle: boolean): string {
    const mark = ctx.t(
      `attendance.session_mark.${entry.state === "locked" ? "locked" : entry.session.attendanceTakenAt ? "taken" : "open"}`,
    );
    const when = formatDateTime(entry.session.startsAt, ctx.language, deps.timeZone);
    return withTitle
      ? ctx.t("attendance.session_button", { mark, when, title: localized(entry.course, "title", ctx.language) })
      : `${mark} ${when}`;
  }

  async function show(ctx: BotContext, edit: boolean, text: string, reply_markup: InlineKeyboard): Promise<void> {
    if (edit) await editInPlace(ctx, text, reply_markup);
    else await ctx.reply(text, { reply_markup });
  }

  async function showToday(ctx: BotContext, edit: boolean): Promise<void> {
    const entries = await sessionsToMark(deps.db, ctx.person, deps.clock(), deps.timeZone);
    const keyboard = new InlineKeyboard();
    for (const entry of entries)
      keyboard.text(sessionButton(ctx, entry, true), attendanceData.pack("open", entry.session.id, 0)).row();
    keyboard.text(ctx.t("attendance.courses_button"), attendanceData.pack("courses", 0, 0));
    await show(ctx, edit, ctx.t(entries.length > 0 ? "attendance.today.title" : "attendance.today.none"), keyboard);
  }

  async function showCourses(ctx: BotContext, page: number): Promise<void> {
    const courses = await managedCourses(deps.db, ctx.person);
    const pages = pageCount(courses.length, LIST_PAGE_SIZE);
    const current = Math.min(page, pages - 1);
    const keyboard = new InlineKeyboard();
    for (const course of courses.slice(current * LIST_PAGE_SIZE, (current + 1) * LIST_PAGE_SIZE)) {
      const ended = courseHasEnded(course, deps.clock()) ? ctx.t("attendance.courses.ended_mark") : "";
      keyboard
        .text(`${localized(course, "title", ctx.language)}${ended}`, attendanceData.pack("sessions", course.id, 0))
        .row();
    }
    pagerRow(keyboard, pagerLabels(ctx.t), current, current + 1 < pages, (target) =>
      attendanceData.pack("courses", 0, target),
    );
    keyboard.text(ctx.t("attendance.to_today"), attendanceData.pack("today", 0, 0));
    await show(
      ctx,
      true,
      courses.length > 0
        ? ctx.t("attendance.courses.title", { page: current + 1, pages })
        : ctx.t("attendance.courses.none"),
      keyboard,
    );
  }

  async function showSessions(ctx: BotContext, courseId: number, page: number): Promise<void> {
    const list = await pastSessions(deps.db, ctx.person, courseId, deps.clock(), deps.timeZone, page, LIST_PAGE_SIZE);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const pages = pageCount(list.total, LIST_PAGE_SIZE);
    const keyboard = new InlineKeyboard();
    for (const entry of list.sessions)
      keyboard.text(sessionButton(ctx, entry, false), attendanceData.pack("open", entry.session.id, 0)).row();
    pagerRow(keyboard, pagerLabels(ctx.t), page, page + 1 < pages, (target) =>
      attendanceData.pack("sessions", courseId, target),
    );
    keyboard
      .text(ctx.t("attendance.outcomes_button"), outcomeListData.pack(courseId, 0))
      .row()
      .text(ctx.t("attendance.back_to_courses"), attendanceData.pack("courses", 0, 0));
    const title = localized(list.course, "title", ctx.language);
    const text =
      list.total > 0
        ? ctx.t("attendance.sessions.title", { title, page: page + 1, pages })
        : ctx.t("attendance.sessions.none", { title });
    await show(ctx, true, text, keyboard);
  }

  return { composer, conversations: [attendanceChecklistConversation(deps)] };
}
