import { Composer, InputFile, type Context } from "grammy";
import { inArrivalOrder } from "../../bot/arrival-order.js";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { pageCount } from "../../bot/pager.js";
import { requireConsent } from "../../bot/middleware.js";
import type { Course, CourseCategory } from "../../generated/prisma/client.js";
import { formatDateTime, localized, type Language, type Translate } from "../../i18n.js";
import { courseCalendar } from "./calendar.js";
import { COURSE_REGISTRATION, courseRegistrationConversation } from "./conversations.js";
import {
  PAGE_SIZE,
  afterWithdrawalKeyboard,
  categoriesData,
  categoriesKeyboard,
  courseData,
  courseDetailsKeyboard,
  courseListData,
  courseListKeyboard,
  myCoursesData,
  myCoursesKeyboard,
  registrationData,
  remindersData,
  withdrawConfirmKeyboard,
} from "./keyboards.js";
import { managementFeature } from "./management/composer.js";
import { announcePromotions } from "./notifications.js";
import {
  getCourseSummary,
  listOpenCourses,
  myCourses,
  openCourseCounts,
  setCourseReminders,
  calendarSessions,
  withdraw,
  type CourseSummary,
} from "./service.js";

/** Residents browse courses, register (with waiting list), see and leave their courses. */
export function coursesFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const management = managementFeature(deps);

  composer.command("courses", (ctx) => showCategories(ctx, false));
  composer.callbackQuery(categoriesData.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showCategories(ctx, true);
  });

  composer.callbackQuery(courseListData.filter, async (ctx) => {
    const [category, page] = courseListData.unpack(ctx.callbackQuery.data) ?? [];
    if (category === undefined || page === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await showCourseList(ctx, category, page);
  });

  composer.callbackQuery(courseData.filter, async (ctx) => {
    const [action, courseId, page] = courseData.unpack(ctx.callbackQuery.data) ?? [];
    const summary = courseId === undefined ? undefined : await getCourseSummary(deps.db, courseId, deps.clock());
    if (!summary || action === undefined || page === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("courses.unavailable") });
    switch (action) {
      case "show":
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(detailsText(ctx.t, ctx.language, summary, deps.timeZone), {
          reply_markup: courseDetailsKeyboard(
            ctx.t,
            summary.course.id,
            summary.course.category,
            page,
            isOpen(summary.course, deps.clock()),
          ),
        });
      case "register":
        return requireConsent(ctx, async () => {
          await ctx.answerCallbackQuery();
          if (!isOpen(summary.course, deps.clock())) return void (await ctx.reply(ctx.t("courses.unavailable")));
          await ctx.conversation.enter(COURSE_REGISTRATION, ctx.person.id, summary.course.id);
        });
      case "calendar":
        await ctx.answerCallbackQuery();
        return sendCalendar(ctx, summary.course);
    }
  });

  composer.command("mycourses", requireConsent, (ctx) => showMyCourses(ctx, false));

  composer.callbackQuery(myCoursesData.filter, requireConsent, async (ctx) => {
    const [action, enrollmentId] = myCoursesData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || enrollmentId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    if (action === "list") return showMyCourses(ctx, false);
    const mine = (await myCourses(deps.db, ctx.person.id, deps.clock())).find(
      ({ enrollment }) => enrollment.id === enrollmentId,
    );
    if (!mine) return ctx.reply(ctx.t("courses.enrollment_gone"));
    const title = localized(mine.course, "title", ctx.language);
    switch (action) {
      case "calendar":
        return sendCalendar(ctx, mine.course);
      case "withdraw":
        return ctx.reply(ctx.t("courses.withdraw_confirm", { title }), {
          reply_markup: withdrawConfirmKeyboard(ctx.t, enrollmentId),
        });
      case "withdraw_no":
        return ctx.editMessageText(ctx.t("courses.withdraw_kept"), { reply_markup: afterWithdrawalKeyboard(ctx.t) });
      case "withdraw_yes": {
        const result = await inArrivalOrder(deps.arrivalOrder, ctx.update.update_id, () =>
          withdraw(deps.db, ctx.person.id, enrollmentId, deps.clock()),
        );
        if (result.outcome !== "left") return ctx.reply(ctx.t("courses.enrollment_gone"));
        await ctx.editMessageText(ctx.t("courses.withdrawn", { title }), {
          reply_markup: afterWithdrawalKeyboard(ctx.t),
        });
        if (result.promoted) await announcePromotions(ctx.api, deps, [result.promoted], mine.course);
        return;
      }
    }
  });

  composer.callbackQuery(remindersData.filter, requireConsent, async (ctx) => {
    const [state] = remindersData.unpack(ctx.callbackQuery.data) ?? [];
    if (state === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await setCourseReminders(deps.db, ctx.person.id, state === "on");
    await ctx.answerCallbackQuery({
      text: ctx.t(state === "on" ? "courses.reminders_now_on" : "courses.reminders_now_off"),
    });
    ctx.person.courseReminders = state === "on";
    await showMyCourses(ctx, true);
  });

  composer.use(management.composer);

  async function showCategories(ctx: BotContext, edit: boolean): Promise<void> {
    const counts = await openCourseCounts(deps.db, deps.clock());
    const text = ctx.t("courses.categories_title");
    const reply_markup = categoriesKeyboard(ctx.t, counts);
    if (edit) await ctx.editMessageText(text, { reply_markup });
    else await ctx.reply(text, { reply_markup });
  }

  async function showCourseList(ctx: BotContext, category: CourseCategory, page: number): Promise<void> {
    const { courses, total } = await listOpenCourses(deps.db, category, page, PAGE_SIZE, deps.clock());
    const pages = pageCount(total, PAGE_SIZE);
    const buttons = courses.map((entry) => ({
      id: entry.course.id,
      label: `${localized(entry.course, "title", ctx.language)} · ${availability(ctx.t, entry)}`,
    }));
    const heading = ctx.t(`courses.category.${category}`);
    const text =
      total === 0
        ? ctx.t("courses.none_in_category", { category: heading })
        : ctx.t("courses.list_title", { category: heading, page: page + 1, pages });
    await ctx.editMessageText(text, { reply_markup: courseListKeyboard(ctx.t, category, page, pages, buttons) });
  }

  async function showMyCourses(ctx: BotContext, edit: boolean): Promise<void> {
    const courses = await myCourses(deps.db, ctx.person.id, deps.clock());
    const lines = courses.map(({ enrollment, course, nextSession, waitlistPosition }) => {
      const title = localized(course, "title", ctx.language);
      if (enrollment.status === "waitlisted")
        return ctx.t("courses.my_entry_waitlisted", { title, position: waitlistPosition });
      if (!nextSession) return ctx.t("courses.my_entry_no_session", { title });
      return ctx.t("courses.my_entry_active", {
        title,
        when: formatDateTime(nextSession.startsAt, ctx.language, deps.timeZone),
      });
    });
    const text = courses.length === 0 ? ctx.t("courses.my_none") : [ctx.t("courses.my_title"), "", ...lines].join("\n");
    const reply_markup = myCoursesKeyboard(ctx.t, ctx.language, courses, ctx.person.courseReminders);
    if (edit) await ctx.editMessageText(text, { reply_markup });
    else await ctx.reply(text, { reply_markup });
  }

  async function sendCalendar(ctx: BotContext, course: Course): Promise<void> {
    const sessions = await calendarSessions(deps.db, course.id, deps.clock());
    if (sessions.every((session) => session.cancelledAt))
      return void (await ctx.reply(ctx.t("courses.no_upcoming_sessions")));
    const title = localized(course, "title", ctx.language);
    const ics = courseCalendar(
      { id: course.id, title, description: localized(course, "description", ctx.language), place: course.place },
      sessions,
      deps.clock(),
    );
    await ctx.replyWithDocument(new InputFile(Buffer.from(ics, "utf8"), `kurs-${course.id}.ics`), {
      caption: ctx.t("courses.calendar_caption", { title }),
    });
  }

  /** Presses that take or free a seat: they are decided in the order people pressed. */
  function decidesSeats(ctx: Context): boolean {
    const data = ctx.callbackQuery?.data;
    return registrationData.unpack(data)?.[0] === "confirm" || myCoursesData.unpack(data)?.[0] === "withdraw_yes";
  }

  return { conversations: [courseRegistrationConversation(deps), ...management.conversations], composer, decidesSeats };
}

function isOpen(course: Course, now: Date): boolean {
  return course.status === "open" && course.endsOn >= now;
}

export function availability(t: Translate, summary: Pick<CourseSummary, "seatsLeft" | "waitlistCount">): string {
  return summary.seatsLeft > 0
    ? t("courses.seats_left", { count: summary.seatsLeft })
    : t("courses.waitlist", { count: summary.waitlistCount });
}

function detailsText(t: Translate, language: Language, summary: CourseSummary, timeZone: string): string {
  const sessions = summary.nextSessions.map((session) => `• ${formatDateTime(session.startsAt, language, timeZone)}`);
  return t("courses.details", {
    title: localized(summary.course, "title", language),
    description: localized(summary.course, "description", language),
    category: t(`courses.category.${summary.course.category}`),
    place: summary.course.place,
    availability: availability(t, summary),
    sessions: sessions.length > 0 ? sessions.join("\n") : t("courses.no_upcoming_sessions"),
  });
}
