import { createConversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import type { BotConversation } from "../../bot/conversation-helpers.js";
import { Cancelled, EDITABLE_FIELDS, ask, required, askChoice, askNewValue, capacitySchema, confirm, daySchema, loadActor, longText, shortText } from "../../bot/wizard.js";
import { requireRole } from "../../bot/middleware.js";
import { notifyPeople } from "../../bot/notify.js";
import type { CourseCategory } from "../../generated/prisma/client.js";
import { formatDate, formatDateTime, formatWeekday, localized, translator, type Translate } from "../../i18n.js";
import type { CalendarDay } from "../../time.js";
import { attendanceData, outcomeListData } from "../attendance/keyboards.js";
import { closeCourseNow, lastDayPassed } from "../attendance/service.js";
import { hasRole } from "../onboarding/roles.js";
import { announcePromotions } from "./notifications.js";
import { parseSessionTime, parseWeeklySchedule, sessionSpan, weeklySessions, type SessionTime, type WeeklySlot } from "./schedule.js";
import {
  COURSE_CATEGORIES,
  cancelSession,
  closeCourse,
  createCourse,
  managedCourses,
  moveSession,
  participants,
  removeParticipant,
  setCourseInstructor,
  updateCourse,
  upcomingSessions,
  type CourseInput,
  type EditableCourseField,
} from "./service.js";

const id = z.coerce.number().int().positive();
const MANAGE_ACTIONS = [
  "list",
  "course",
  "people",
  "remove",
  "remove_yes",
  "sessions",
  "cancel_session",
  "cancel_session_yes",
  "move_session",
  "edit",
  "close",
  "close_yes",
  "new",
  "close_now",
  "close_now_yes",
  "instructor",
] as const;
export const manageData = defineCallbackData("mng", z.tuple([z.enum(MANAGE_ACTIONS), z.coerce.number().int().min(0)]));
export const editFieldData = defineCallbackData("mng_edit", z.tuple([z.enum(EDITABLE_FIELDS), id]));

export const COURSE_CREATION = "course-creation";
export const COURSE_EDIT = "course-edit";
export const COURSE_INSTRUCTOR = "course-instructor";
export const SESSION_MOVE = "session-move";

const MAX_LISTED = 40;

/**
 * Managers run all courses; instructors see their own. Every action is checked again in the
 * service, so a forged button press changes nothing.
 */
export function managementFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.command("managecourses", requireRole("manager", "instructor"), (ctx) => showCourses(ctx));

  composer.callbackQuery(manageData.filter, requireRole("manager", "instructor"), async (ctx) => {
    const [action, target] = manageData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || target === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    const now = deps.clock();
    switch (action) {
      case "list":
        return showCourses(ctx);
      case "new":
        return requireRole("manager")(ctx, () => ctx.conversation.enter(COURSE_CREATION, ctx.person.id));
      case "course":
        return showCourse(ctx, target);
      case "close_now":
        return requireRole("manager")(ctx, async () => void (await ctx.reply(ctx.t("manage.close_now_confirm"), { reply_markup: confirmKeyboard(ctx.t, "close_now_yes", target) })));
      case "close_now_yes":
        return requireRole("manager")(ctx, async () => {
          const result = await closeCourseNow(deps.db, ctx.person, target, now, deps.timeZone);
          const answers = {
            not_ended: "manage.close_now_not_ended",
            no_attendance: "manage.close_now_no_attendance",
            nothing_open: "manage.close_now_nothing_open",
            not_found: "manage.close_now_not_found",
          } as const;
          const text = result.outcome === "closed" ? ctx.t("manage.close_now_done", { completed: result.completed, dropped: result.dropped }) : ctx.t(answers[result.outcome]);
          await ctx.editMessageText(text, { reply_markup: new InlineKeyboard().text(ctx.t("attendance.outcomes_button"), outcomeListData.pack(target, 0)) });
        });
      case "instructor":
        return requireRole("manager")(ctx, () => ctx.conversation.enter(COURSE_INSTRUCTOR, ctx.person.id, target));
      case "people":
        return showPeople(ctx, target);
      case "sessions":
        return showSessions(ctx, target);
      case "edit":
        return requireRole("manager")(ctx, async () => void (await ctx.reply(ctx.t("manage.edit_which"), { reply_markup: editKeyboard(ctx.t, target) })));
      case "remove":
        return ctx.reply(ctx.t("manage.remove_confirm"), { reply_markup: confirmKeyboard(ctx.t, "remove_yes", target) });
      case "remove_yes": {
        const result = await removeParticipant(deps.db, ctx.person, target, now);
        if (result.outcome !== "left") return ctx.reply(ctx.t("courses.enrollment_gone"));
        const enrollment = await deps.db.enrollment.findUniqueOrThrow({ where: { id: target }, include: { course: true } });
        await ctx.editMessageText(ctx.t("manage.removed"));
        if (result.removed) {
          await notifyPeople(ctx.api, deps.logger, [result.removed], (t, language) => ({ text: t("manage.removed_notice", { title: localized(enrollment.course, "title", language) }) }));
        }
        if (result.promoted) await announcePromotions(ctx.api, deps, [result.promoted], enrollment.course);
        return;
      }
      case "cancel_session": {
        const session = await deps.db.courseSession.findUnique({ where: { id: target }, include: { course: true } });
        if (!session || session.cancelledAt) return ctx.reply(ctx.t("manage.session_gone"));
        const text = ctx.t("manage.cancel_session_confirm", {
          title: localized(session.course, "title", ctx.language),
          when: formatDateTime(session.startsAt, ctx.language, deps.timeZone),
        });
        // "No" leads back to the course the session belongs to, not to the list of all courses.
        return ctx.reply(text, { reply_markup: confirmKeyboard(ctx.t, "cancel_session_yes", target, manageData.pack("course", session.courseId)) });
      }
      case "move_session":
        // The service checks again that this person may manage the session's course.
        return ctx.conversation.enter(SESSION_MOVE, ctx.person.id, target);
      case "cancel_session_yes": {
        const result = await cancelSession(deps.db, ctx.person, target, now);
        if (!result) return ctx.reply(ctx.t("manage.session_gone"));
        await ctx.editMessageText(ctx.t("manage.session_cancelled"), {
          reply_markup: new InlineKeyboard().text(ctx.t("manage.back_to_course"), manageData.pack("course", result.course.id)),
        });
        await notifyPeople(ctx.api, deps.logger, result.recipients, (t, language) => ({
          text: t("manage.session_cancelled_notice", {
            title: localized(result.course, "title", language),
            when: formatDateTime(result.session.startsAt, language, deps.timeZone),
          }),
        }));
        return;
      }
      case "close":
        return requireRole("manager")(ctx, async () => void (await ctx.reply(ctx.t("manage.close_confirm"), { reply_markup: confirmKeyboard(ctx.t, "close_yes", target) })));
      case "close_yes": {
        const result = await closeCourse(deps.db, ctx.person, target, now);
        if (!result) return ctx.reply(ctx.t("courses.unavailable"));
        await ctx.editMessageText(ctx.t("manage.closed"));
        await notifyPeople(ctx.api, deps.logger, result.released, (t, language) => ({
          text: t("manage.closed_notice", { title: localized(result.course, "title", language) }),
        }));
        return;
      }
    }
  });

  composer.callbackQuery(editFieldData.filter, requireRole("manager"), async (ctx) => {
    const [field, courseId] = editFieldData.unpack(ctx.callbackQuery.data) ?? [];
    if (field === undefined || courseId === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(COURSE_EDIT, ctx.person.id, courseId, field);
  });

  async function showCourses(ctx: BotContext): Promise<void> {
    const courses = await managedCourses(deps.db, ctx.person);
    const keyboard = new InlineKeyboard();
    for (const course of courses.slice(0, MAX_LISTED)) {
      const status = course.status === "closed" ? ctx.t("manage.closed_mark") : "";
      keyboard.text(`${localized(course, "title", ctx.language)}${status}`, manageData.pack("course", course.id)).row();
    }
    if (hasRole(ctx.person, "manager")) keyboard.text(ctx.t("manage.new_course"), manageData.pack("new", 0));
    await ctx.reply(courses.length > 0 ? ctx.t("manage.courses_title") : ctx.t("manage.no_courses"), { reply_markup: keyboard });
  }

  async function showCourse(ctx: BotContext, courseId: number): Promise<void> {
    const list = await participants(deps.db, ctx.person, courseId);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const { course } = list;
    const text = ctx.t("manage.course_overview", {
      title: localized(course, "title", ctx.language),
      status: ctx.t(`manage.status.${course.status}`),
      active: list.active.length,
      capacity: course.capacity,
      waiting: list.waitlisted.length,
    });
    const keyboard = new InlineKeyboard()
      .text(ctx.t("manage.people_button"), manageData.pack("people", courseId))
      .row()
      .text(ctx.t("manage.sessions_button"), manageData.pack("sessions", courseId))
      .row()
      .text(ctx.t("attendance.manage_button"), attendanceData.pack("sessions", courseId, 0))
      .row();
    if (hasRole(ctx.person, "manager")) {
      keyboard.text(ctx.t("manage.edit_button"), manageData.pack("edit", courseId)).row();
      keyboard.text(ctx.t("manage.instructor_button"), manageData.pack("instructor", courseId)).row();
      // Same condition as the nightly closing: the course's last day has passed.
      if (course.endsOn < lastDayPassed(deps.clock(), deps.timeZone).lt) keyboard.text(ctx.t("manage.close_now_button"), manageData.pack("close_now", courseId)).row();
      if (course.status === "open") keyboard.text(ctx.t("manage.close_button"), manageData.pack("close", courseId)).row();
    }
    keyboard.text(ctx.t("manage.back_to_courses"), manageData.pack("list", 0));
    await ctx.reply(text, { reply_markup: keyboard });
  }

  async function showPeople(ctx: BotContext, courseId: number): Promise<void> {
    const list = await participants(deps.db, ctx.person, courseId);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const describe = (enrollment: (typeof list.active)[number], index: number) =>
      [`${index + 1}. ${enrollment.fullName ?? ctx.t("manage.no_name")}`, enrollment.germanLevel, enrollment.phone].filter(Boolean).join(" · ");
    const text = [
      ctx.t("manage.people_title", { title: localized(list.course, "title", ctx.language), active: list.active.length, capacity: list.course.capacity }),
      ...(list.active.length > 0 ? list.active.map(describe) : [ctx.t("manage.nobody")]),
      "",
      ctx.t("manage.waitlist_title", { count: list.waitlisted.length }),
      ...list.waitlisted.map(describe),
    ].join("\n");
    const keyboard = new InlineKeyboard();
    for (const enrollment of [...list.active, ...list.waitlisted].slice(0, MAX_LISTED)) {
      keyboard.text(ctx.t("manage.remove_button", { name: enrollment.fullName ?? ctx.t("manage.no_name") }), manageData.pack("remove", enrollment.id)).row();
    }
    keyboard.text(ctx.t("manage.back_to_course"), manageData.pack("course", courseId));
    await ctx.reply(text, { reply_markup: keyboard });
  }

  async function showSessions(ctx: BotContext, courseId: number): Promise<void> {
    const list = await participants(deps.db, ctx.person, courseId);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const sessions = (await upcomingSessions(deps.db, courseId, deps.clock())).slice(0, MAX_LISTED);
    const keyboard = new InlineKeyboard();
    for (const session of sessions) {
      const when = formatDateTime(session.startsAt, ctx.language, deps.timeZone);
      keyboard
        .text(ctx.t("manage.cancel_session_button", { when }), manageData.pack("cancel_session", session.id))
        .text(ctx.t("manage.move_session_button", { when }), manageData.pack("move_session", session.id))
        .row();
    }
    keyboard.text(ctx.t("manage.back_to_course"), manageData.pack("course", courseId));
    await ctx.reply(sessions.length > 0 ? ctx.t("manage.sessions_title") : ctx.t("courses.no_upcoming_sessions"), { reply_markup: keyboard });
  }

  return { composer, conversations: [courseCreationConversation(deps), courseEditConversation(deps), courseInstructorConversation(deps), sessionMoveConversation(deps)] };
}

function confirmKeyboard(t: Translate, action: (typeof MANAGE_ACTIONS)[number], target: number, back = manageData.pack("list", 0)): InlineKeyboard {
  return new InlineKeyboard().text(t("manage.confirm_yes"), manageData.pack(action, target)).row().text(t("manage.confirm_no"), back);
}

function editKeyboard(t: Translate, courseId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const field of EDITABLE_FIELDS) keyboard.text(t(`manage.field.${field}`), editFieldData.pack(field, courseId)).row();
  return keyboard.text(t("manage.back_to_course"), manageData.pack("course", courseId));
}

// ───────────────────────────── conversations ─────────────────────────────

const thresholdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,3}\s*%?$/)
  .transform((text) => Number(text.replace("%", "").trim()))
  .pipe(z.number().int().min(1).max(100));
const weeklySchema = z.string().transform((text, ctx) => {
  const parsed = parseWeeklySchedule(text);
  if ("invalidPart" in parsed) {
    ctx.addIssue({ code: "custom", message: parsed.invalidPart });
    return z.NEVER;
  }
  return parsed.slots;
});

function askCategory(conversation: BotConversation, ctx: ConversationContext, t: Translate): Promise<CourseCategory | "default"> {
  const choices = COURSE_CATEGORIES.map((category) => ({ label: t(`courses.category.${category}`), value: category }));
  return askChoice(conversation, ctx, t, t("manage.ask_category"), choices);
}

async function askInstructor(conversation: BotConversation, ctx: ConversationContext, t: Translate, deps: BotDeps): Promise<number | null> {
  const instructors = await conversation.external(() =>
    deps.db.person.findMany({ where: { roles: { some: { role: "instructor" } }, erasedAt: null }, select: { id: true, firstName: true, lastName: true }, take: MAX_LISTED }),
  );
  if (instructors.length === 0) return null;
  const choices = instructors.map((person) => ({ label: [person.firstName, person.lastName].filter(Boolean).join(" ") || `#${person.id}`, value: person.id }));
  const chosen = await askChoice(conversation, ctx, t, t("manage.ask_instructor"), choices, t("manage.no_instructor"));
  return chosen === "default" ? null : chosen;
}

/** A new course, asked step by step in both languages, then a summary to confirm. */
function courseCreationConversation(deps: BotDeps) {
  async function courseCreation(conversation: BotConversation, ctx: ConversationContext, personId: number): Promise<void> {
    const language = await conversation.external(async () => (await loadActor(deps.db, personId)).language);
    const t = translator(language);
    try {
      const input = await askCourse(conversation, ctx, t, deps);
      const sessions = weeklySessions(input.firstDay, input.lastDay, input.weekly, deps.timeZone);
      if (sessions.length === 0) {
        await ctx.reply(t("manage.no_sessions_in_range"));
        return;
      }
      const instructor = input.instructorId === null ? null : await conversation.external(() => deps.db.person.findUnique({ where: { id: input.instructorId ?? 0 }, select: { firstName: true, lastName: true } }));
      const summary = t("manage.new_summary", {
        titleDe: input.titleDe,
        titleRu: input.titleRu,
        descriptionDe: input.descriptionDe,
        descriptionRu: input.descriptionRu,
        category: t(`courses.category.${input.category}`),
        capacity: input.capacity,
        threshold: Math.round(input.attendanceThreshold * 100),
        place: input.place,
        instructor: instructor ? [instructor.firstName, instructor.lastName].filter(Boolean).join(" ") : t("manage.summary_no_instructor"),
        weekly: input.weekly.map((slot) => `${formatWeekday(slot.weekday, language)} ${slot.from}–${slot.to}`).join(", "),
        count: sessions.length,
        first: formatDate(sessions[0]?.startsAt ?? new Date(), language, deps.timeZone),
        last: formatDate(sessions.at(-1)?.startsAt ?? new Date(), language, deps.timeZone),
      });
      const press = await confirm(conversation, ctx, t, summary, t("manage.create_button"));
      const course = await conversation.external(async () => createCourse(deps.db, await loadActor(deps.db, personId), input, deps.timeZone));
      await press.reply(t("manage.created", { title: localized(course, "title", language), count: sessions.length }), {
        reply_markup: new InlineKeyboard().text(t("manage.open_course"), manageData.pack("course", course.id)),
      });
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(courseCreation, COURSE_CREATION);
}

async function askCourse(conversation: BotConversation, ctx: ConversationContext, t: Translate, deps: BotDeps): Promise<CourseInput> {
  const text = async (key: string, schema: z.ZodType<string>, invalidKey: string) => {
    const value = await ask(conversation, ctx, t, t(key), schema, invalidKey);
    return value === "default" ? "" : value;
  };
  const titleDe = await text("manage.ask_title_de", shortText, "manage.invalid_title");
  const titleRu = await text("manage.ask_title_ru", shortText, "manage.invalid_title");
  const descriptionDe = await text("manage.ask_description_de", longText, "manage.invalid_description");
  const descriptionRu = await text("manage.ask_description_ru", longText, "manage.invalid_description");
  const category = await askCategory(conversation, ctx, t);
  if (category === "default") throw new Cancelled();
  const capacity = await ask(conversation, ctx, t, t("manage.ask_capacity"), capacitySchema, "manage.invalid_capacity");
  const threshold = await ask(conversation, ctx, t, t("manage.ask_threshold"), thresholdSchema, "manage.invalid_threshold", t("manage.default_threshold"));
  const place = await text("manage.ask_place", shortText, "manage.invalid_place");
  const firstDay = await askDay(conversation, ctx, t, "manage.ask_first_day");
  let lastDay = await askDay(conversation, ctx, t, "manage.ask_last_day");
  while (Date.UTC(lastDay.year, lastDay.month - 1, lastDay.day) < Date.UTC(firstDay.year, firstDay.month - 1, firstDay.day)) {
    await ctx.reply(t("manage.last_before_first"));
    lastDay = await askDay(conversation, ctx, t, "manage.ask_last_day");
  }
  const weekly = await ask<WeeklySlot[]>(conversation, ctx, t, t("manage.ask_weekly"), weeklySchema, "manage.invalid_weekly");
  const instructorId = await askInstructor(conversation, ctx, t, deps);
  return {
    titleDe,
    titleRu,
    descriptionDe,
    descriptionRu,
    category,
    capacity: capacity === "default" ? 1 : capacity,
    attendanceThreshold: threshold === "default" ? 0.75 : threshold / 100,
    place,
    instructorId,
    firstDay,
    lastDay,
    weekly: weekly === "default" ? [] : weekly,
  };
}

async function askDay(conversation: BotConversation, ctx: ConversationContext, t: Translate, key: string): Promise<CalendarDay> {
  const day = await ask(conversation, ctx, t, t(key), daySchema, "manage.invalid_day");
  if (day === "default") throw new Cancelled();
  return day;
}

/** Changes one field of a course; a larger capacity moves people up from the waiting list. */
function courseEditConversation(deps: BotDeps) {
  async function courseEdit(conversation: BotConversation, ctx: ConversationContext, personId: number, courseId: number, field: EditableCourseField): Promise<void> {
    const language = await conversation.external(async () => (await loadActor(deps.db, personId)).language);
    const t = translator(language);
    try {
      const value = await askNewValue(conversation, ctx, t, field);
      const result = await conversation.external(async () => updateCourse(deps.db, await loadActor(deps.db, personId), courseId, { field, value }, deps.clock()));
      if (!result) {
        await ctx.reply(t("courses.unavailable"));
        return;
      }
      await ctx.reply(t("manage.saved"), { reply_markup: new InlineKeyboard().text(t("manage.open_course"), manageData.pack("course", courseId)) });
      if (result.promoted.length > 0) await announcePromotions(ctx.api, deps, result.promoted, result.course);
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(courseEdit, COURSE_EDIT);
}

/** Hands a course to another instructor (or to nobody); the choice is checked again in the service. */
function courseInstructorConversation(deps: BotDeps) {
  async function courseInstructor(conversation: BotConversation, ctx: ConversationContext, personId: number, courseId: number): Promise<void> {
    const t = translator(await conversation.external(async () => (await loadActor(deps.db, personId)).language));
    const back = new InlineKeyboard().text(t("manage.open_course"), manageData.pack("course", courseId));
    const available = await conversation.external(() => deps.db.person.count({ where: { roles: { some: { role: "instructor" } }, erasedAt: null } }));
    if (available === 0) {
      await ctx.reply(t("manage.no_instructors"), { reply_markup: back });
      return;
    }
    try {
      const instructorId = await askInstructor(conversation, ctx, t, deps);
      const result = await conversation.external(async () => setCourseInstructor(deps.db, await loadActor(deps.db, personId), courseId, instructorId));
      await ctx.reply(t(result.outcome === "changed" ? "manage.instructor_changed" : result.outcome === "not_instructor" ? "manage.instructor_not_instructor" : "courses.unavailable"), {
        reply_markup: back,
      });
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"));
    }
  }
  return createConversation<BotContext, ConversationContext>(courseInstructor, COURSE_INSTRUCTOR);
}

const sessionTimeSchema = z.string().transform((text, ctx): SessionTime => {
  const parsed = parseSessionTime(text);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: "not a session time" });
    return z.NEVER;
  }
  return parsed;
});

/**
 * Moves one session: asks the new day and time (the end is optional, the length is kept), shows
 * old and new time to confirm, then moves it and tells the participants in their language.
 */
function sessionMoveConversation(deps: BotDeps) {
  async function sessionMove(conversation: BotConversation, ctx: ConversationContext, personId: number, sessionId: number): Promise<void> {
    const language = await conversation.external(async () => (await loadActor(deps.db, personId)).language);
    const t = translator(language);
    const found = await conversation.external(async () => {
      const session = await deps.db.courseSession.findUnique({ where: { id: sessionId }, include: { course: true } });
      if (!session || session.cancelledAt || session.startsAt < deps.clock()) return undefined;
      return {
        courseId: session.courseId,
        // Not "title": the conversation storage strips that key (it is a chat's title in updates).
        courseName: localized(session.course, "title", language),
        startsAt: session.startsAt.toISOString(),
        durationMs: session.endsAt.getTime() - session.startsAt.getTime(),
      };
    });
    if (!found) {
      await ctx.reply(t("manage.session_gone"));
      return;
    }
    const back = new InlineKeyboard().text(t("manage.back_to_course"), manageData.pack("course", found.courseId));
    const old = formatDateTime(new Date(found.startsAt), language, deps.timeZone);
    try {
      let span: { startsAt: Date; endsAt: Date } | undefined;
      while (!span) {
        const time = required(await ask(conversation, ctx, t, t("manage.move_session_ask", { title: found.courseName, when: old }), sessionTimeSchema, "manage.invalid_session_time"));
        const candidate = sessionSpan(time, found.durationMs, deps.timeZone);
        const now = await conversation.external(() => deps.clock().getTime());
        if (candidate.startsAt.getTime() > now) span = candidate;
        else await ctx.reply(t("manage.move_session_past"));
      }
      const to = { startsAt: span.startsAt.toISOString(), endsAt: span.endsAt.toISOString() };
      const summary = t("manage.move_session_confirm", { title: found.courseName, old, new: formatDateTime(span.startsAt, language, deps.timeZone) });
      const press = await confirm(conversation, ctx, t, summary, t("manage.move_session_yes"));
      const outcome = await conversation.external(async () => {
        const actor = await loadActor(deps.db, personId);
        const result = await moveSession(deps.db, actor, sessionId, { startsAt: new Date(to.startsAt), endsAt: new Date(to.endsAt) }, deps.clock());
        if (result.outcome !== "moved") return result.outcome;
        await notifyPeople(press.api, deps.logger, result.recipients, (tr, lang) => ({
          text: tr("manage.session_moved_notice", {
            title: localized(result.course, "title", lang),
            old: formatDateTime(result.previous.startsAt, lang, deps.timeZone),
            new: formatDateTime(result.session.startsAt, lang, deps.timeZone),
          }),
        }));
        return result.outcome;
      });
      const answers = { moved: "manage.session_moved", gone: "manage.session_gone", in_past: "manage.move_session_past" } as const;
      await press.reply(t(answers[outcome]), { reply_markup: back });
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      await ctx.reply(t("cancel.done"), { reply_markup: back });
    }
  }
  return createConversation<BotContext, ConversationContext>(sessionMove, SESSION_MOVE);
}
