import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../../../bot/context.js";
import { requireRole } from "../../../bot/middleware.js";
import { notifyPeople } from "../../../bot/notify.js";
import { formatDateTime, localized } from "../../../i18n.js";
import { closeCourseNow, lastDayPassed } from "../../attendance/service.js";
import { hasRole } from "../../../people/roles.js";
import { announcePromotions } from "../notifications.js";
import { managedCourses, upcomingSessions } from "../service.js";
import {
  COURSE_CREATION,
  COURSE_EDIT,
  COURSE_INSTRUCTOR,
  SESSION_MOVE,
  managementConversations,
} from "./conversations.js";
import {
  backToCourseKeyboard,
  confirmKeyboard,
  courseKeyboard,
  courseListKeyboard,
  editFieldData,
  editKeyboard,
  manageData,
  outcomesKeyboard,
  removeButtonsKeyboard,
  sessionsKeyboard,
} from "./keyboards.js";
import { cancelSession, closeCourse, findLiveSession, participants, removeParticipant } from "./service.js";

const CLOSE_NOW_ANSWERS = {
  not_ended: "manage.close_now_not_ended",
  no_attendance: "manage.close_now_no_attendance",
  nothing_open: "manage.close_now_nothing_open",
  not_found: "manage.close_now_not_found",
} as const;

/**
 * Managers run all courses; instructors see their own. Every action is checked again in the
 * service, so a forged button press changes nothing.
 */
export function managementFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.command("managecourses", requireRole("manager", "instructor"), (ctx) => showCourses(ctx));

  composer.callbackQuery(manageData.filter, requireRole("manager", "instructor"), async (ctx) => {
    const [action, target] = manageData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || target === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
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
        return requireRole("manager")(
          ctx,
          async () =>
            void (await ctx.reply(ctx.t("manage.close_now_confirm"), {
              reply_markup: confirmKeyboard(ctx.t, "close_now_yes", target),
            })),
        );
      case "close_now_yes":
        return requireRole("manager")(ctx, async () => {
          const result = await closeCourseNow(deps.db, ctx.person, target, now, deps.timeZone);
          const text =
            result.outcome === "closed"
              ? ctx.t("manage.close_now_done", { completed: result.completed, dropped: result.dropped })
              : ctx.t(CLOSE_NOW_ANSWERS[result.outcome]);
          await ctx.editMessageText(text, { reply_markup: outcomesKeyboard(ctx.t, target) });
        });
      case "instructor":
        return requireRole("manager")(ctx, () => ctx.conversation.enter(COURSE_INSTRUCTOR, ctx.person.id, target));
      case "people":
        return showPeople(ctx, target);
      case "sessions":
        return showSessions(ctx, target);
      case "edit":
        return requireRole("manager")(
          ctx,
          async () => void (await ctx.reply(ctx.t("manage.edit_which"), { reply_markup: editKeyboard(ctx.t, target) })),
        );
      case "remove":
        return ctx.reply(ctx.t("manage.remove_confirm"), {
          reply_markup: confirmKeyboard(ctx.t, "remove_yes", target),
        });
      case "remove_yes": {
        const result = await removeParticipant(deps.db, ctx.person, target, now);
        if (result.outcome !== "left" || !result.course) return ctx.reply(ctx.t("courses.enrollment_gone"));
        const { course } = result;
        await ctx.editMessageText(ctx.t("manage.removed"));
        if (result.removed) {
          await notifyPeople(ctx.api, deps.logger, [result.removed], (t, language) => ({
            text: t("manage.removed_notice", { title: localized(course, "title", language) }),
          }));
        }
        if (result.promoted) await announcePromotions(ctx.api, deps, [result.promoted], course);
        return;
      }
      case "cancel_session": {
        const session = await findLiveSession(deps.db, target);
        if (!session) return ctx.reply(ctx.t("manage.session_gone"));
        const text = ctx.t("manage.cancel_session_confirm", {
          title: localized(session.course, "title", ctx.language),
          when: formatDateTime(session.startsAt, ctx.language, deps.timeZone),
        });
        // "No" leads back to the course the session belongs to, not to the list of all courses.
        return ctx.reply(text, {
          reply_markup: confirmKeyboard(
            ctx.t,
            "cancel_session_yes",
            target,
            manageData.pack("course", session.courseId),
          ),
        });
      }
      case "move_session":
        // The service checks again that this person may manage the session's course.
        return ctx.conversation.enter(SESSION_MOVE, ctx.person.id, target);
      case "cancel_session_yes": {
        const result = await cancelSession(deps.db, ctx.person, target, now);
        if (!result) return ctx.reply(ctx.t("manage.session_gone"));
        await ctx.editMessageText(ctx.t("manage.session_cancelled"), {
          reply_markup: backToCourseKeyboard(ctx.t, result.course.id, "manage.back_to_course"),
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
        return requireRole("manager")(
          ctx,
          async () =>
            void (await ctx.reply(ctx.t("manage.close_confirm"), {
              reply_markup: confirmKeyboard(ctx.t, "close_yes", target),
            })),
        );
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
    if (field === undefined || courseId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(COURSE_EDIT, ctx.person.id, courseId, field);
  });

  async function showCourses(ctx: BotContext): Promise<void> {
    const courses = await managedCourses(deps.db, ctx.person);
    const reply_markup = courseListKeyboard(ctx.t, ctx.language, courses, hasRole(ctx.person, "manager"));
    await ctx.reply(courses.length > 0 ? ctx.t("manage.courses_title") : ctx.t("manage.no_courses"), { reply_markup });
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
    const staff = {
      manager: hasRole(ctx.person, "manager"),
      lastDayPassed: course.endsOn < lastDayPassed(deps.clock(), deps.timeZone).lt,
    };
    await ctx.reply(text, { reply_markup: courseKeyboard(ctx.t, course, staff) });
  }

  async function showPeople(ctx: BotContext, courseId: number): Promise<void> {
    const list = await participants(deps.db, ctx.person, courseId);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const describe = (enrollment: (typeof list.active)[number], index: number) =>
      [`${index + 1}. ${enrollment.fullName ?? ctx.t("manage.no_name")}`, enrollment.germanLevel, enrollment.phone]
        .filter(Boolean)
        .join(" · ");
    const text = [
      ctx.t("manage.people_title", {
        title: localized(list.course, "title", ctx.language),
        active: list.active.length,
        capacity: list.course.capacity,
      }),
      ...(list.active.length > 0 ? list.active.map(describe) : [ctx.t("manage.nobody")]),
      "",
      ctx.t("manage.waitlist_title", { count: list.waitlisted.length }),
      ...list.waitlisted.map(describe),
    ].join("\n");
    await ctx.reply(text, {
      reply_markup: removeButtonsKeyboard(ctx.t, [...list.active, ...list.waitlisted], courseId),
    });
  }

  async function showSessions(ctx: BotContext, courseId: number): Promise<void> {
    // Reading the participants checks that this person may manage the course.
    const list = await participants(deps.db, ctx.person, courseId);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const sessions = await upcomingSessions(deps.db, courseId, deps.clock());
    const reply_markup = sessionsKeyboard(ctx.t, ctx.language, sessions, courseId, deps.timeZone);
    await ctx.reply(sessions.length > 0 ? ctx.t("manage.sessions_title") : ctx.t("courses.no_upcoming_sessions"), {
      reply_markup,
    });
  }

  return { composer, conversations: managementConversations(deps) };
}
