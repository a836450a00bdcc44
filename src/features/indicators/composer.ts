import { Composer, InputFile } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { editInPlace } from "../../bot/edit-message.js";
import { requireRole } from "../../bot/middleware.js";
import { formatNumber } from "../../i18n.js";
import { runTallyJob } from "../../jobs/indicators.js";
import { MANUAL_VALUE, manualValueConversation } from "./conversations.js";
import {
  afterReportKeyboard,
  courseKeyboard,
  coursePageData,
  indicatorsData,
  periodData,
  periodKeyboard,
  scopeData,
  scopeFromToken,
  scopeKeyboard,
} from "./keyboards.js";
import { parsePeriodKey, type TallyPeriodKind } from "./periods.js";
import { buildReport, periodName, recentPeriods, type TallyPeriod } from "./report.js";
import { coursesWithFigures, lastComputedAt } from "./service.js";

const COURSES_PER_PAGE = 8;
/** Telegram allows about one edit of a message per second; the progress is shown no more often. */
const PROGRESS_EDIT_INTERVAL_MS = 1000;

/** /indicators: managers pick a period and a scope and get a chart, the figures and a CSV file. */
export function indicatorsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const managersOnly = requireRole("manager");

  const choosePeriod = (ctx: BotContext, kind: TallyPeriodKind) => {
    const periods = recentPeriods(kind, deps.clock(), deps.timeZone);
    return {
      text: ctx.t("indicators.choose_period"),
      keyboard: periodKeyboard(ctx.t, periods, (period) => periodName(period, ctx.language, deps.timeZone)),
    };
  };

  const periodFrom = (key: string): TallyPeriod | undefined =>
    parsePeriodKey(key, deps.timeZone) as TallyPeriod | undefined;

  const startReport = async (ctx: BotContext) => {
    const { text, keyboard } = choosePeriod(ctx, "month");
    await ctx.reply(text, { reply_markup: keyboard });
  };

  /**
   * One message that says the figures are being recomputed, shows how many periods are done and
   * ends with the result. A press while a recompute is running joins it (runTallyJob).
   */
  const recomputeShowingProgress = async (ctx: BotContext) => {
    const count = (value: number) => formatNumber(value, ctx.language);
    const status = await ctx.reply(ctx.t("indicators.recomputing"));
    let edits = Promise.resolve();
    const show = (text: string) => {
      edits = edits
        .then(() => ctx.api.editMessageText(status.chat.id, status.message_id, text))
        .then(
          () => undefined,
          (error: unknown) => deps.logger.warn("recompute status not shown", { error }),
        );
      return edits;
    };
    let lastShownAt = 0;
    const onProgress = (done: number, total: number) => {
      if (done >= total || Date.now() - lastShownAt < PROGRESS_EDIT_INTERVAL_MS) return;
      lastShownAt = Date.now();
      void show(ctx.t("indicators.recompute_progress", { done: count(done), total: count(total) }));
    };
    try {
      const result = await runTallyJob(deps, { onProgress });
      await show(
        ctx.t("indicators.recomputed", {
          inserted: count(result.inserted),
          updated: count(result.updated),
          deleted: count(result.deleted),
        }),
      );
    } catch (error) {
      deps.logger.error("indicator recompute failed", { error });
      await show(ctx.t("indicators.recompute_failed"));
    }
  };

  composer.command("indicators", managersOnly, startReport);

  composer.callbackQuery(indicatorsData.filter, managersOnly, async (ctx) => {
    const [action] = indicatorsData.unpack(ctx.callbackQuery.data) ?? [];
    if (!action) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    if (action === "offences") {
      await ctx.answerCallbackQuery();
      return ctx.conversation.enter(MANUAL_VALUE, ctx.person.id);
    }
    if (action === "recompute") {
      await ctx.answerCallbackQuery();
      return recomputeShowingProgress(ctx);
    }
    await ctx.answerCallbackQuery();
    // Under a report the summary stays; the choice starts again in a new message.
    if (action === "new") return startReport(ctx);
    const { text, keyboard } = choosePeriod(ctx, action === "quarters" ? "quarter" : "month");
    await editInPlace(ctx, text, keyboard);
  });

  composer.callbackQuery(periodData.filter, managersOnly, async (ctx) => {
    const [key] = periodData.unpack(ctx.callbackQuery.data) ?? [];
    const period = key === undefined ? undefined : periodFrom(key);
    if (!key || !period) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await editInPlace(
      ctx,
      ctx.t("indicators.choose_scope", { period: periodName(period, ctx.language, deps.timeZone) }),
      scopeKeyboard(ctx.t, key),
    );
  });

  composer.callbackQuery(coursePageData.filter, managersOnly, async (ctx) => {
    const [key, page] = coursePageData.unpack(ctx.callbackQuery.data) ?? [];
    if (key === undefined || page === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    const { courses, more } = await coursesWithFigures(deps.db, page * COURSES_PER_PAGE, COURSES_PER_PAGE);
    const text = courses.length > 0 ? ctx.t("indicators.choose_course") : ctx.t("indicators.no_courses");
    await editInPlace(ctx, text, courseKeyboard(ctx.t, ctx.language, key, courses, page, more));
  });

  composer.callbackQuery(scopeData.filter, managersOnly, async (ctx) => {
    const [key, token] = scopeData.unpack(ctx.callbackQuery.data) ?? [];
    const period = key === undefined ? undefined : periodFrom(key);
    if (!period || token === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    await editInPlace(ctx, ctx.t("indicators.preparing"));
    // The first request on a new installation would otherwise show nothing until the night.
    if (!(await lastComputedAt(deps.db))) await runTallyJob(deps);
    const report = await buildReport(
      { db: deps.db, timeZone: deps.timeZone, language: ctx.language, now: deps.clock() },
      period,
      scopeFromToken(token),
    );
    await ctx.replyWithPhoto(new InputFile(report.chart, `${report.fileName}.png`));
    await ctx.reply(report.summary, { reply_markup: afterReportKeyboard(ctx.t) });
    await ctx.replyWithDocument(new InputFile(report.csv, `${report.fileName}.csv`), {
      caption: ctx.t("indicators.csv_caption"),
    });
  });

  return { composer, conversations: [manualValueConversation(deps)] };
}
