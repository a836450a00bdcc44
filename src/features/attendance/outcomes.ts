import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { editInPlace } from "../../bot/edit-message.js";
import { requireRole } from "../../bot/middleware.js";
import { pageCount, pagerRow } from "../../bot/pager.js";
import type { Course, Enrollment, Outcome } from "../../generated/prisma/client.js";
import { formatDate, localized, type Translate } from "../../i18n.js";
import { participantName } from "../../people/names.js";
import { announcePromotions } from "../courses/notifications.js";
import {
  LIST_PAGE_SIZE,
  attendanceData,
  leavingOutcomeKeyboard,
  outcomeData,
  outcomeListData,
  outcomeRecordData,
  pagerLabels,
  sixMonthData,
  sixMonthEntryKeyboard,
} from "./keyboards.js";
import {
  asksForOutcome,
  contradictsShare,
  courseHasEnded,
  decidedStatus,
  courseOutcomes,
  participantOutcome,
  recordOutcome,
  recordOutcomeAfterSixMonths,
  shareOf,
  type AttendanceShare,
  type EndedStatus,
} from "./service.js";

/**
 * How participants left a course: a list per course with status and attendance share, a screen
 * per person to record completed or dropped (and, for vocational and school-certificate
 * courses, the outcome), and the answers to the six-month question of the reminders.
 */
export function outcomesFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const staff = requireRole("manager", "instructor");

  composer.callbackQuery(outcomeListData.filter, staff, async (ctx) => {
    const [courseId, page] = outcomeListData.unpack(ctx.callbackQuery.data) ?? [];
    if (courseId === undefined || page === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await showList(ctx, courseId, page);
  });

  composer.callbackQuery(outcomeData.filter, staff, async (ctx) => {
    const [action, enrollmentId] = outcomeData.unpack(ctx.callbackQuery.data) ?? [];
    const found = enrollmentId === undefined ? undefined : await participantOutcome(deps.db, ctx.person, enrollmentId);
    if (!found || action === undefined) return ctx.answerCallbackQuery({ text: ctx.t("courses.enrollment_gone") });
    const { enrollment, course } = found;
    const name = participantName(enrollment, ctx.t("manage.no_name"));
    const ended = courseHasEnded(course, deps.clock());
    if (action === "show") {
      await ctx.answerCallbackQuery();
      const page = await pageOf(ctx, course.id, enrollment.id);
      return editInPlace(ctx, participantText(ctx, found), participantKeyboard(ctx.t, enrollment, course, ended, page));
    }
    if (action === "six_months") {
      await ctx.answerCallbackQuery();
      return editInPlace(
        ctx,
        ctx.t("attendance.participant.six_months_question", { name }),
        sixMonthEntryKeyboard(ctx.t, enrollment.id),
      );
    }
    if (!ended && action === "completed")
      return ctx.answerCallbackQuery({ text: ctx.t("attendance.participant.not_ended"), show_alert: true });
    const warning =
      ended || enrollment.status !== "active" ? "" : `\n\n${ctx.t("attendance.participant.dropout_warning", { name })}`;
    if (asksForOutcome(course.category)) {
      await ctx.answerCallbackQuery();
      const question = ctx.t("attendance.participant.outcome_question", {
        name,
        status: ctx.t(`attendance.status.${action}`),
      });
      return editInPlace(ctx, `${question}${warning}`, leavingOutcomeKeyboard(ctx.t, enrollment.id, action));
    }
    if (warning) {
      await ctx.answerCallbackQuery();
      const confirm = new InlineKeyboard()
        .text(ctx.t("attendance.participant.dropout_yes"), outcomeRecordData.pack(enrollment.id, "dropped", "none"))
        .row()
        .text(ctx.t("attendance.back"), outcomeData.pack("show", enrollment.id));
      return editInPlace(ctx, `${ctx.t("attendance.participant.dropout_confirm", { name })}${warning}`, confirm);
    }
    return record(ctx, enrollment.id, action, null);
  });

  composer.callbackQuery(outcomeRecordData.filter, staff, async (ctx) => {
    const [enrollmentId, status, outcome] = outcomeRecordData.unpack(ctx.callbackQuery.data) ?? [];
    if (enrollmentId === undefined || status === undefined || outcome === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await record(ctx, enrollmentId, status, outcome === "none" ? null : outcome);
  });

  composer.callbackQuery(sixMonthData.filter, staff, async (ctx) => {
    const [enrollmentId, answer] = sixMonthData.unpack(ctx.callbackQuery.data) ?? [];
    if (enrollmentId === undefined || answer === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    if (answer === "unknown") return editInPlace(ctx, ctx.t("attendance.six_months.unknown"));
    const enrollment = await recordOutcomeAfterSixMonths(deps.db, ctx.person, enrollmentId, answer);
    if (!enrollment) return editInPlace(ctx, ctx.t("attendance.six_months.gone"));
    await editInPlace(
      ctx,
      ctx.t("attendance.six_months.saved", {
        name: participantName(enrollment, ctx.t("manage.no_name")),
        outcome: ctx.t(`attendance.outcome.${answer}`),
      }),
    );
  });

  async function record(
    ctx: BotContext,
    enrollmentId: number,
    status: EndedStatus,
    outcome: Outcome | null,
  ): Promise<void> {
    const result = await recordOutcome(deps.db, ctx.person, enrollmentId, { status, outcome }, deps.clock());
    if (result.outcome === "not_found")
      return void (await ctx.answerCallbackQuery({ text: ctx.t("courses.enrollment_gone") }));
    if (result.outcome === "not_ended")
      return void (await ctx.answerCallbackQuery({
        text: ctx.t("attendance.participant.not_ended"),
        show_alert: true,
      }));
    const { enrollment, course, promoted } = result;
    await ctx.answerCallbackQuery({
      text: ctx.t("attendance.participant.saved", {
        name: participantName(enrollment, ctx.t("manage.no_name")),
        status: ctx.t(`attendance.status.${status}`),
      }),
    });
    await showList(ctx, course.id, await pageOf(ctx, course.id, enrollmentId));
    if (promoted) await announcePromotions(ctx.api, deps, [promoted], course);
  }

  /** The page of the list on which the person stands. */
  async function pageOf(ctx: BotContext, courseId: number, enrollmentId: number): Promise<number> {
    const list = await courseOutcomes(deps.db, ctx.person, courseId);
    const position = list?.entries.findIndex((entry) => entry.enrollment.id === enrollmentId) ?? 0;
    return Math.floor(Math.max(0, position) / LIST_PAGE_SIZE);
  }

  async function showList(ctx: BotContext, courseId: number, page: number): Promise<void> {
    const list = await courseOutcomes(deps.db, ctx.person, courseId);
    if (!list) return void (await ctx.reply(ctx.t("courses.unavailable")));
    const { course, entries } = list;
    const pages = pageCount(entries.length, LIST_PAGE_SIZE);
    const current = Math.min(page, pages - 1);
    const keyboard = new InlineKeyboard();
    for (const { enrollment, share } of entries.slice(current * LIST_PAGE_SIZE, (current + 1) * LIST_PAGE_SIZE)) {
      const mark = `${contradictsShare(enrollment, share, course.attendanceThreshold) ? "⚠️" : ""}${ctx.t(`attendance.status_mark.${enrollment.status}`)}`;
      const label = ctx.t("attendance.outcomes.person", {
        mark,
        name: participantName(enrollment, ctx.t("manage.no_name")),
        share: shareText(ctx.t, share),
      });
      const outcome =
        asksForOutcome(course.category) && enrollment.outcomeAtLeaving
          ? ` · ${ctx.t(`attendance.outcome.${enrollment.outcomeAtLeaving}`)}`
          : "";
      keyboard.text(`${label}${outcome}`, outcomeData.pack("show", enrollment.id)).row();
    }
    pagerRow(keyboard, pagerLabels(ctx.t), current, current + 1 < pages, (target) =>
      outcomeListData.pack(courseId, target),
    );
    keyboard.text(ctx.t("attendance.back_to_sessions"), attendanceData.pack("sessions", courseId, 0));
    const lines = [
      ctx.t("attendance.outcomes.title", { title: localized(course, "title", ctx.language) }),
      courseHasEnded(course, deps.clock())
        ? ctx.t("attendance.outcomes.ended")
        : ctx.t("attendance.outcomes.running", { ended: formatDate(course.endsOn, ctx.language, deps.timeZone) }),
      "",
      ctx.t("attendance.outcomes.rule", { threshold: Math.round(course.attendanceThreshold * 100) }),
      ctx.t("attendance.outcomes.legend"),
    ];
    const contradictions = entries.filter(({ enrollment, share }) =>
      contradictsShare(enrollment, share, course.attendanceThreshold),
    ).length;
    if (contradictions > 0) lines.push("", ctx.t("attendance.outcomes.contradictions", { count: contradictions }));
    if (entries.length === 0) lines.push("", ctx.t("attendance.outcomes.nobody"));
    if (pages > 1) lines.push(ctx.t("attendance.page", { page: current + 1, pages }));
    await editInPlace(ctx, lines.join("\n"), keyboard);
  }

  function participantText(
    ctx: BotContext,
    { enrollment, course, share }: { enrollment: Enrollment; course: Course; share: AttendanceShare },
  ): string {
    const lines = [
      ctx.t("attendance.participant.title", {
        name: participantName(enrollment, ctx.t("manage.no_name")),
        title: localized(course, "title", ctx.language),
      }),
      ctx.t(statusKey(enrollment), { status: ctx.t(`attendance.status.${enrollment.status}`) }),
      share.countable > 0
        ? ctx.t("attendance.participant.attendance", {
            present: share.present,
            countable: share.countable,
            percent: percentOf(share),
            excused: share.excused,
          })
        : ctx.t("attendance.participant.no_attendance"),
    ];
    if (contradictsShare(enrollment, share, course.attendanceThreshold)) {
      const rule = decidedStatus(share, course.attendanceThreshold);
      lines.push(
        ctx.t("attendance.participant.contradiction", {
          status: ctx.t(`attendance.status.${enrollment.status}`),
          rule: ctx.t(`attendance.status.${rule}`),
          threshold: Math.round(course.attendanceThreshold * 100),
        }),
      );
    }
    if (asksForOutcome(course.category)) {
      lines.push(
        ctx.t("attendance.participant.at_leaving", { outcome: outcomeText(ctx.t, enrollment.outcomeAtLeaving) }),
      );
      if (enrollment.status !== "active")
        lines.push(
          ctx.t("attendance.participant.after_six_months", { outcome: outcomeText(ctx.t, enrollment.outcomeAfter6m) }),
        );
    }
    return lines.join("\n");
  }

  return composer;
}

function participantKeyboard(
  t: Translate,
  enrollment: Enrollment,
  course: Course,
  ended: boolean,
  page: number,
): InlineKeyboard {
  const courseId = course.id;
  const keyboard = new InlineKeyboard();
  if (ended) {
    keyboard
      .text(t("attendance.participant.completed_button"), outcomeData.pack("completed", enrollment.id))
      .text(t("attendance.participant.dropped_button"), outcomeData.pack("dropped", enrollment.id));
  } else {
    keyboard.text(
      t(
        enrollment.status === "active"
          ? "attendance.participant.dropout_button"
          : "attendance.participant.dropped_button",
      ),
      outcomeData.pack("dropped", enrollment.id),
    );
  }
  // The six-month status, also before (or without) the reminder: for those who left a placement course.
  if (asksForOutcome(course.category) && (enrollment.status === "completed" || enrollment.status === "dropped")) {
    keyboard.row().text(t("attendance.participant.six_months_button"), outcomeData.pack("six_months", enrollment.id));
  }
  return keyboard.row().text(t("attendance.back_to_list"), outcomeListData.pack(courseId, page));
}

/** Whether a decided status came from staff or from the closing job's attendance rule. */
function statusKey(enrollment: Enrollment): string {
  if (enrollment.status === "active") return "attendance.participant.status";
  return enrollment.statusSetByHand ? "attendance.participant.status_by_hand" : "attendance.participant.status_auto";
}

function percentOf(share: AttendanceShare): number {
  return Math.round((shareOf(share) ?? 0) * 100);
}

function shareText(t: Translate, share: AttendanceShare): string {
  return share.countable > 0
    ? t("attendance.outcomes.share", { present: share.present, countable: share.countable, percent: percentOf(share) })
    : t("attendance.outcomes.no_share");
}

function outcomeText(t: Translate, outcome: Outcome | null): string {
  return outcome ? t(`attendance.outcome.${outcome}`) : t("attendance.outcome_unknown");
}
