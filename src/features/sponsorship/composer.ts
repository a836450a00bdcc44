import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { requireConsent, requireRole } from "../../bot/middleware.js";
import { notifyPeople } from "../../bot/notify.js";
import { hasRole } from "../../people/roles.js";
import {
  SPONSOR_REQUEST,
  SPONSOR_SIGNUP,
  sponsorRequestConversation,
  sponsorSignupConversation,
} from "./conversations.js";
import {
  checkinData,
  confirmKeyboard,
  hubKeyboard,
  matchData,
  offerData,
  pendingKeyboard,
  pickData,
  requestsKeyboard,
  showSuggestionsKeyboard,
  sponsorshipData,
  suggestionsKeyboard,
} from "./keyboards.js";
import { labels } from "./labels.js";
import { notifyBackInQueue, notifyEnded, sendIntroductions, sendOffer } from "./notifications.js";
import {
  activeSponsorshipsOf,
  answerOffer,
  changeSponsorStatus,
  decideSponsor,
  getOpenRequest,
  getSponsorProfile,
  myOpenRequest,
  openRequests,
  pendingSponsors,
  proposeSponsor,
  recordCheckin,
  sponsorshipOverview,
  suggestSponsors,
  withdrawRequest,
  type ProposeResult,
} from "./service.js";

const PROPOSE_REFUSAL_KEYS: Record<Exclude<ProposeResult["outcome"], "proposed">, string> = {
  request_gone: "sponsorship.propose_request_gone",
  offer_pending: "sponsorship.propose_offer_pending",
  sponsor_unavailable: "sponsorship.propose_sponsor_unavailable",
};

/**
 * Sponsorships: residents ask for a sponsor, volunteers sign up, managers approve volunteers and
 * match them, sponsors answer offers and check-ins. Every press is checked again in the service.
 */
export function sponsorshipFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();

  composer.command("sponsorship", requireConsent, showHub);

  composer.callbackQuery(sponsorshipData.filter, requireConsent, async (ctx) => {
    const [action, target] = sponsorshipData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || target === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    const now = deps.clock();
    switch (action) {
      case "home":
        return showHub(ctx);
      case "become":
        return ctx.conversation.enter(SPONSOR_SIGNUP, ctx.person.id);
      case "ask":
        if (await myOpenRequest(deps.db, ctx.person.id)) return ctx.reply(ctx.t("sponsorship.request_already_open"));
        return ctx.conversation.enter(SPONSOR_REQUEST, ctx.person.id);
      case "pause":
      case "resume": {
        const result = await changeSponsorStatus(deps.db, ctx.person.id, action, now);
        const done = action === "pause" ? "sponsorship.pause_done" : "sponsorship.resume_done";
        return ctx.reply(ctx.t(result.outcome === "changed" ? done : "sponsorship.not_possible"));
      }
      case "withdraw_sponsor":
        return ctx.reply(ctx.t("sponsorship.withdraw_sponsor_confirm"), {
          reply_markup: confirmKeyboard(
            ctx.t,
            sponsorshipData.pack("withdraw_sponsor_yes", 0),
            sponsorshipData.pack("home", 0),
          ),
        });
      case "withdraw_sponsor_yes": {
        const result = await changeSponsorStatus(deps.db, ctx.person.id, "withdraw", now);
        if (result.outcome !== "changed") return ctx.editMessageText(ctx.t("sponsorship.not_possible"));
        await ctx.editMessageText(ctx.t("sponsorship.withdraw_sponsor_done"));
        await notifyEnded(ctx.api, deps, result.families);
        await notifyBackInQueue(ctx.api, deps, result);
        return;
      }
      case "withdraw_request":
        return ctx.reply(ctx.t("sponsorship.withdraw_request_confirm"), {
          reply_markup: confirmKeyboard(
            ctx.t,
            sponsorshipData.pack("withdraw_request_yes", target),
            sponsorshipData.pack("home", 0),
          ),
        });
      case "withdraw_request_yes": {
        const result = await withdrawRequest(deps.db, ctx.person.id, target, now);
        if (result.outcome !== "withdrawn") return ctx.editMessageText(ctx.t("sponsorship.not_possible"));
        await ctx.editMessageText(ctx.t("sponsorship.withdraw_request_done"));
        await notifyEnded(ctx.api, deps, result.sponsors);
        return;
      }
    }
  });

  composer.callbackQuery(matchData.filter, requireRole("manager"), async (ctx) => {
    const [action, target] = matchData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || target === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    switch (action) {
      case "requests":
        return showRequests(ctx);
      case "request":
      case "all":
        return showSuggestions(ctx, target, action === "all");
      case "pending": {
        const pending = await pendingSponsors(deps.db, ctx.person);
        const lines = pending.map((volunteer) =>
          ctx.t("sponsorship.pending_entry", {
            name: volunteer.name,
            languages: labels(ctx.t, "language", volunteer.languages),
            areas: labels(ctx.t, "area", volunteer.areas),
            districts: labels(ctx.t, "district", volunteer.districts),
            about: volunteer.profile.about ?? "–",
          }),
        );
        return ctx.reply(
          pending.length === 0
            ? ctx.t("sponsorship.pending_none")
            : [ctx.t("sponsorship.pending_title"), "", ...lines].join("\n\n"),
          { reply_markup: pendingKeyboard(ctx.t, pending) },
        );
      }
      case "approve":
      case "decline": {
        const result = await decideSponsor(deps.db, ctx.person, target, action, deps.clock());
        if (result.outcome !== "decided") return ctx.reply(ctx.t("sponsorship.not_pending"));
        const approved = action === "approve";
        await ctx.reply(ctx.t(approved ? "sponsorship.approved" : "sponsorship.declined"));
        await notifyPeople(ctx.api, deps.logger, [result.volunteer], (t) => ({
          text: t(approved ? "sponsorship.volunteer_approved" : "sponsorship.volunteer_declined"),
        }));
        return;
      }
      case "overview": {
        const overview = await sponsorshipOverview(deps.db, ctx.person);
        const lines = overview.sponsors.map((sponsor) =>
          ctx.t("sponsorship.overview_sponsor", {
            name: sponsor.name,
            families: sponsor.families,
            max: sponsor.maxFamilies,
            status: ctx.t(`sponsorship.status.${sponsor.status}`),
          }),
        );
        const median = overview.medianDaysToMatch === undefined ? "–" : String(overview.medianDaysToMatch);
        return ctx.reply(
          [
            ctx.t("sponsorship.overview", { active: overview.activeSponsorships, open: overview.openRequests, median }),
            "",
            ...lines,
          ].join("\n"),
        );
      }
    }
  });

  composer.callbackQuery(pickData.filter, requireRole("manager"), async (ctx) => {
    const [requestId, profileId] = pickData.unpack(ctx.callbackQuery.data) ?? [];
    if (requestId === undefined || profileId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    const result = await proposeSponsor(deps.db, ctx.person, requestId, profileId, deps.clock());
    if (result.outcome !== "proposed") return ctx.reply(ctx.t(PROPOSE_REFUSAL_KEYS[result.outcome]));
    await sendOffer(ctx.api, deps, result.sponsor, result.sponsorshipId, result.offer);
    await ctx.reply(ctx.t("sponsorship.offer_sent", { request: requestId }));
  });

  composer.callbackQuery(offerData.filter, requireConsent, async (ctx) => {
    const [answer, sponsorshipId] = offerData.unpack(ctx.callbackQuery.data) ?? [];
    if (answer === undefined || sponsorshipId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    const result = await answerOffer(deps.db, ctx.person.id, sponsorshipId, answer, deps.clock());
    if (result.outcome === "gone")
      return ctx.answerCallbackQuery({ text: ctx.t("sponsorship.offer_gone"), show_alert: true });
    await ctx.answerCallbackQuery();
    if (result.outcome === "declined") {
      await ctx.editMessageText(ctx.t("sponsorship.offer_declined"));
      const { requestId } = result;
      await notifyPeople(ctx.api, deps.logger, result.managers, (t) => ({
        text: t("sponsorship.offer_declined_notice", { request: requestId }),
        reply_markup: showSuggestionsKeyboard(t, requestId),
      }));
      return;
    }
    await ctx.editMessageText(ctx.t("sponsorship.offer_accepted"));
    await sendIntroductions(ctx.api, deps, result.toSponsor, result.toFamily, result.request);
  });

  composer.callbackQuery(checkinData.filter, requireConsent, async (ctx) => {
    const [answer, sponsorshipId] = checkinData.unpack(ctx.callbackQuery.data) ?? [];
    if (answer === undefined || sponsorshipId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    const result = await recordCheckin(deps.db, ctx.person.id, sponsorshipId, answer, deps.clock());
    if (result.outcome === "gone")
      return ctx.answerCallbackQuery({ text: ctx.t("sponsorship.sponsorship_gone"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t(`sponsorship.checkin_answer.${result.outcome}`));
    if (result.outcome === "help") {
      await notifyPeople(ctx.api, deps.logger, result.managers, (t) => ({
        text: t("sponsorship.help_notice", { request: result.requestId }),
      }));
    } else if (result.outcome === "ended") {
      await notifyEnded(ctx.api, deps, [result.family]);
    }
  });

  async function showHub(ctx: BotContext): Promise<void> {
    const [sponsor, request, active] = await Promise.all([
      getSponsorProfile(deps.db, ctx.person.id),
      myOpenRequest(deps.db, ctx.person.id),
      activeSponsorshipsOf(deps.db, ctx.person.id),
    ]);
    const lines = [
      ctx.t("sponsorship.hub_title"),
      sponsor
        ? ctx.t("sponsorship.hub_sponsor_status", {
            status: ctx.t(`sponsorship.status.${sponsor.profile.status}`),
            count: active.length,
          })
        : undefined,
      request
        ? ctx.t(
            request.request.status === "matched" ? "sponsorship.hub_request_matched" : "sponsorship.hub_request_open",
          )
        : undefined,
    ].filter((line) => line !== undefined);
    await ctx.reply(lines.join("\n\n"), {
      reply_markup: hubKeyboard(ctx.t, sponsor, request, hasRole(ctx.person, "manager")),
    });
  }

  async function showRequests(ctx: BotContext): Promise<void> {
    const requests = await openRequests(deps.db, ctx.person, deps.clock());
    const text =
      requests.length === 0
        ? ctx.t("sponsorship.requests_none")
        : ctx.t("sponsorship.requests_title", { count: requests.length });
    await ctx.reply(text, { reply_markup: requestsKeyboard(ctx.t, requests) });
  }

  async function showSuggestions(ctx: BotContext, requestId: number, anyLanguage: boolean): Promise<void> {
    const queued = await getOpenRequest(deps.db, ctx.person, requestId, deps.clock());
    const suggestions = await suggestSponsors(deps.db, ctx.person, requestId, { anyLanguage });
    if (!queued || !suggestions) return void (await ctx.reply(ctx.t("sponsorship.request_gone")));
    const { request } = queued;
    const details = [
      ctx.t("sponsorship.request_details", { request: request.id, count: queued.waitingDays }),
      ctx.t("sponsorship.summary_areas", { list: labels(ctx.t, "area", queued.areas) }),
      ctx.t("sponsorship.summary_languages", { list: labels(ctx.t, "language", queued.languages) }),
      request.district
        ? ctx.t("sponsorship.summary_district", { district: ctx.t(`sponsorship.district.${request.district}`) })
        : undefined,
      ctx.t("sponsorship.summary_times", { list: labels(ctx.t, "time", queued.contactTimes) }),
      request.note === null ? undefined : ctx.t("sponsorship.summary_about", { text: request.note }),
      "",
      queued.offerPending
        ? ctx.t("sponsorship.offer_pending")
        : ctx.t(suggestions.length === 0 ? "sponsorship.no_suggestions" : "sponsorship.suggestions_title"),
    ].filter((line) => line !== undefined);
    await ctx.reply(details.join("\n"), {
      reply_markup: suggestionsKeyboard(ctx.t, requestId, queued.offerPending ? [] : suggestions, anyLanguage),
    });
  }

  return { composer, conversations: [sponsorSignupConversation(deps), sponsorRequestConversation(deps)] };
}
