import { createConversation } from "@grammyjs/conversations";
import type { InlineKeyboard } from "grammy";
import { z } from "zod";
import type { BotContext, BotDeps, ConversationContext } from "../../../bot/context.js";
import type { BotConversation } from "../../../bot/conversation-helpers.js";
import { notifyPeople } from "../../../bot/notify.js";
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
import type { CourseCategory } from "../../../generated/prisma/client.js";
import { formatDate, formatDateTime, formatWeekday, localized, type Translate } from "../../../i18n.js";
import type { CalendarDay } from "../../../time.js";
import type { EditableField } from "../../appointments/fields.js";
import { announcePromotions } from "../notifications.js";
import {
  parseSessionTime,
  parseWeeklySchedule,
  sessionSpan,
  weeklySessions,
  type SessionTime,
  type WeeklySlot,
} from "../schedule.js";
import { COURSE_CATEGORIES } from "../service.js";
import { backToCourseKeyboard } from "./keyboards.js";
import {
  createCourse,
  findLiveSession,
  instructorChoices,
  instructorName,
  moveSession,
  setCourseInstructor,
  updateCourse,
  type CourseInput,
} from "./service.js";
import { telegramName } from "../../../people/names.js";

export const COURSE_CREATION = "course-creation";
export const COURSE_EDIT = "course-edit";
export const COURSE_INSTRUCTOR = "course-instructor";
export const SESSION_MOVE = "session-move";

export function managementConversations(deps: BotDeps) {
  return [
    courseCreationConversation(deps),
    courseEditConversation(deps),
    courseInstructorConversation(deps),
    sessionMoveConversation(deps),
  ];
}

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
const sessionTimeSchema = z.string().transform((text, ctx): SessionTime => {
  const parsed = parseSessionTime(text);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: "not a session time" });
    return z.NEVER;
  }
  return parsed;
});

type Instructor = { id: number; firstName: string | null; lastName: string | null };

function askCategory(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
): Promise<CourseCategory | "default"> {
  const choices = COURSE_CATEGORIES.map((category) => ({ label: t(`courses.category.${category}`), value: category }));
  return askChoice(conversation, ctx, t, t("manage.ask_category"), choices);
}

/** An instructor out of `instructors`, or nobody; without instructors nothing is asked. */
async function askInstructor(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  instructors: readonly Instructor[],
): Promise<number | null> {
  if (instructors.length === 0) return null;
  const choices = instructors.map((person) => ({ label: telegramName(person) || `#${person.id}`, value: person.id }));
  const chosen = await askChoice(conversation, ctx, t, t("manage.ask_instructor"), choices, t("manage.no_instructor"));
  return chosen === "default" ? null : chosen;
}

async function askDay(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  key: string,
): Promise<CalendarDay> {
  return required(await ask(conversation, ctx, t, t(key), daySchema, "manage.invalid_day"));
}

async function askCourse(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  deps: BotDeps,
): Promise<CourseInput> {
  const text = async (key: string, schema: z.ZodType<string>, invalidKey: string) => {
    const value = await ask(conversation, ctx, t, t(key), schema, invalidKey);
    return value === "default" ? "" : value;
  };
  const titleDe = await text("manage.ask_title_de", shortText, "manage.invalid_title");
  const titleRu = await text("manage.ask_title_ru", shortText, "manage.invalid_title");
  const descriptionDe = await text("manage.ask_description_de", longText, "manage.invalid_description");
  const descriptionRu = await text("manage.ask_description_ru", longText, "manage.invalid_description");
  const category = required(await askCategory(conversation, ctx, t));
  const capacity = await ask(conversation, ctx, t, t("manage.ask_capacity"), capacitySchema, "manage.invalid_capacity");
  const threshold = await ask(
    conversation,
    ctx,
    t,
    t("manage.ask_threshold"),
    thresholdSchema,
    "manage.invalid_threshold",
    t("manage.default_threshold"),
  );
  const place = await text("manage.ask_place", shortText, "manage.invalid_place");
  const firstDay = await askDay(conversation, ctx, t, "manage.ask_first_day");
  let lastDay = await askDay(conversation, ctx, t, "manage.ask_last_day");
  while (
    Date.UTC(lastDay.year, lastDay.month - 1, lastDay.day) < Date.UTC(firstDay.year, firstDay.month - 1, firstDay.day)
  ) {
    await ctx.reply(t("manage.last_before_first"));
    lastDay = await askDay(conversation, ctx, t, "manage.ask_last_day");
  }
  const weekly = await ask<WeeklySlot[]>(
    conversation,
    ctx,
    t,
    t("manage.ask_weekly"),
    weeklySchema,
    "manage.invalid_weekly",
  );
  const instructorId = await askInstructor(
    conversation,
    ctx,
    t,
    await conversation.external(() => instructorChoices(deps.db)),
  );
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

/** A new course, asked step by step in both languages, then a summary to confirm. */
function courseCreationConversation(deps: BotDeps) {
  async function courseCreation(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
  ): Promise<void> {
    await runForm(conversation, ctx, deps.db, personId, async (t, language) => {
      const input = await askCourse(conversation, ctx, t, deps);
      const sessions = weeklySessions(input.firstDay, input.lastDay, input.weekly, deps.timeZone);
      if (sessions.length === 0) return void (await ctx.reply(t("manage.no_sessions_in_range")));
      const instructor =
        input.instructorId === null
          ? null
          : await conversation.external(() => instructorName(deps.db, input.instructorId ?? 0));
      const summary = t("manage.new_summary", {
        titleDe: input.titleDe,
        titleRu: input.titleRu,
        descriptionDe: input.descriptionDe,
        descriptionRu: input.descriptionRu,
        category: t(`courses.category.${input.category}`),
        capacity: input.capacity,
        threshold: Math.round(input.attendanceThreshold * 100),
        place: input.place,
        instructor: instructor ? telegramName(instructor) : t("manage.summary_no_instructor"),
        weekly: input.weekly
          .map((slot) => `${formatWeekday(slot.weekday, language)} ${slot.from}–${slot.to}`)
          .join(", "),
        count: sessions.length,
        first: formatDate(sessions[0]?.startsAt ?? new Date(), language, deps.timeZone),
        last: formatDate(sessions.at(-1)?.startsAt ?? new Date(), language, deps.timeZone),
      });
      const step = { summary, confirmLabel: t("manage.create_button"), db: deps.db, personId };
      const { press, result: course } = await confirmAndAct(conversation, ctx, t, step, (actor) =>
        createCourse(deps.db, actor, input, deps.timeZone),
      );
      await press.reply(t("manage.created", { title: localized(course, "title", language), count: sessions.length }), {
        reply_markup: backToCourseKeyboard(t, course.id, "manage.open_course"),
      });
    });
  }
  return createConversation<BotContext, ConversationContext>(courseCreation, COURSE_CREATION);
}

/** Changes one field of a course; a larger capacity moves people up from the waiting list. */
function courseEditConversation(deps: BotDeps) {
  async function courseEdit(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    courseId: number,
    field: EditableField,
  ): Promise<void> {
    await runForm(conversation, ctx, deps.db, personId, async (t) => {
      const value = await askNewValue(conversation, ctx, t, field);
      const result = await conversation.external(async () =>
        updateCourse(deps.db, await loadActor(deps.db, personId), courseId, { field, value }, deps.clock()),
      );
      if (!result) return void (await ctx.reply(t("courses.unavailable")));
      await ctx.reply(t("manage.saved"), { reply_markup: backToCourseKeyboard(t, courseId, "manage.open_course") });
      if (result.promoted.length > 0) await announcePromotions(ctx.api, deps, result.promoted, result.course);
    });
  }
  return createConversation<BotContext, ConversationContext>(courseEdit, COURSE_EDIT);
}

/** Hands a course to another instructor (or to nobody); the choice is checked again in the service. */
function courseInstructorConversation(deps: BotDeps) {
  async function courseInstructor(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    courseId: number,
  ): Promise<void> {
    await runForm(conversation, ctx, deps.db, personId, async (t) => {
      const back = backToCourseKeyboard(t, courseId, "manage.open_course");
      const instructors = await conversation.external(() => instructorChoices(deps.db));
      if (instructors.length === 0) return void (await ctx.reply(t("manage.no_instructors"), { reply_markup: back }));
      const instructorId = await askInstructor(conversation, ctx, t, instructors);
      const result = await conversation.external(async () =>
        setCourseInstructor(deps.db, await loadActor(deps.db, personId), courseId, instructorId),
      );
      const answers = {
        changed: "manage.instructor_changed",
        not_instructor: "manage.instructor_not_instructor",
        not_found: "courses.unavailable",
      } as const;
      await ctx.reply(t(answers[result.outcome]), { reply_markup: back });
    });
  }
  return createConversation<BotContext, ConversationContext>(courseInstructor, COURSE_INSTRUCTOR);
}

/**
 * Moves one session: asks the new day and time (the end is optional, the length is kept), shows
 * old and new time to confirm, then moves it and tells the participants in their language.
 */
function sessionMoveConversation(deps: BotDeps) {
  async function sessionMove(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    sessionId: number,
  ): Promise<void> {
    let back: InlineKeyboard | undefined;
    await runForm(
      conversation,
      ctx,
      deps.db,
      personId,
      async (t, language) => {
        const found = await conversation.external(async () => {
          const session = await findLiveSession(deps.db, sessionId);
          if (!session || session.startsAt < deps.clock()) return undefined;
          return {
            courseId: session.courseId,
            // Not "title": the conversation storage strips that key (it is a chat's title in updates).
            courseName: localized(session.course, "title", language),
            startsAt: session.startsAt.toISOString(),
            durationMs: session.endsAt.getTime() - session.startsAt.getTime(),
          };
        });
        if (!found) return void (await ctx.reply(t("manage.session_gone")));
        back = backToCourseKeyboard(t, found.courseId, "manage.back_to_course");
        const old = formatDateTime(new Date(found.startsAt), language, deps.timeZone);
        let span: { startsAt: Date; endsAt: Date } | undefined;
        while (!span) {
          const time = required(
            await ask(
              conversation,
              ctx,
              t,
              t("manage.move_session_ask", { title: found.courseName, when: old }),
              sessionTimeSchema,
              "manage.invalid_session_time",
            ),
          );
          const candidate = sessionSpan(time, found.durationMs, deps.timeZone);
          const now = await conversation.external(() => deps.clock().getTime());
          if (candidate.startsAt.getTime() > now) span = candidate;
          else await ctx.reply(t("manage.move_session_past"));
        }
        const to = { startsAt: span.startsAt.toISOString(), endsAt: span.endsAt.toISOString() };
        const summary = t("manage.move_session_confirm", {
          title: found.courseName,
          old,
          new: formatDateTime(span.startsAt, language, deps.timeZone),
        });
        const step = { summary, confirmLabel: t("manage.move_session_yes"), db: deps.db, personId };
        const { press, result: outcome } = await confirmAndAct(conversation, ctx, t, step, async (actor, pressed) => {
          const result = await moveSession(
            deps.db,
            actor,
            sessionId,
            { startsAt: new Date(to.startsAt), endsAt: new Date(to.endsAt) },
            deps.clock(),
          );
          if (result.outcome !== "moved") return result.outcome;
          await notifyPeople(pressed.api, deps.logger, result.recipients, (tr, lang) => ({
            text: tr("manage.session_moved_notice", {
              title: localized(result.course, "title", lang),
              old: formatDateTime(result.previous.startsAt, lang, deps.timeZone),
              new: formatDateTime(result.session.startsAt, lang, deps.timeZone),
            }),
          }));
          return result.outcome;
        });
        const answers = {
          moved: "manage.session_moved",
          gone: "manage.session_gone",
          in_past: "manage.move_session_past",
        } as const;
        await press.reply(t(answers[outcome]), { reply_markup: back });
      },
      () => back,
    );
  }
  return createConversation<BotContext, ConversationContext>(sessionMove, SESSION_MOVE);
}
