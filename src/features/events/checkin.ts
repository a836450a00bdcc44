import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { requireConsent } from "../../bot/middleware.js";
import { formatDateTime, localized, type Language } from "../../i18n.js";
import type { StartPayloadHandler, StartReply } from "../../bot/start-payload.js";
import {
  CHECKIN_ALPHABET,
  CHECKIN_CODE_LENGTH,
  checkInByCode,
  checkinWindow,
  type CheckInResult,
} from "./checkin-service.js";

/** The deep link prefix: `t.me/<bot>?start=checkin_<code>`. */
export const CHECKIN_PAYLOAD_PREFIX = "checkin_";

/** A message that is nothing but a code, in any case, perhaps with spaces around it. */
const CODE_MESSAGE = new RegExp(`^\\s*[${CHECKIN_ALPHABET}]{${CHECKIN_CODE_LENGTH}}\\s*$`, "i");

/**
 * A message that looks like a try at a code but is not one: a single word of four to eight
 * characters with letters and digits (a typo, a look-alike 0/O/1/I), or six capital letters.
 */
const CODE_ATTEMPT = /^\s*(?:(?=[\w -]*\d)(?=[\w -]*[A-Za-z])[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){3,7}|[A-Z]{6})\s*$/;
/** A code as the hint shows it. */
const EXAMPLE_CODE = "K7MPQ2";

export function checkinLink(botUsername: string, code: string): string {
  return `https://t.me/${botUsername}?start=${CHECKIN_PAYLOAD_PREFIX}${code}`;
}

function replyFor(result: CheckInResult, language: Language, timeZone: string): StartReply {
  if (result.outcome === "unknown_code") return { key: "events.checkin_unknown" };
  const title = localized(result.event, "title", language);
  switch (result.outcome) {
    case "checked_in":
      return { key: "events.checked_in", values: { title } };
    case "already_checked_in":
      return { key: "events.checkin_already", values: { title } };
    case "too_early":
      return {
        key: "events.checkin_too_early",
        values: { title, opens: formatDateTime(checkinWindow(result.event).opensAt, language, timeZone) },
      };
    case "expired":
      return { key: "events.checkin_expired", values: { title } };
    case "cancelled":
      return { key: "events.checkin_cancelled", values: { title } };
  }
}

/** Check-in at the venue: by sending the code, or by opening its link (also before consent, see onboarding). */
export function checkinFeature(deps: BotDeps) {
  const checkIn = async (personId: number, language: Language, code: string): Promise<StartReply> =>
    replyFor(await checkInByCode(deps.db, personId, code, deps.clock()), language, deps.timeZone);

  const startPayload: StartPayloadHandler = { prefix: CHECKIN_PAYLOAD_PREFIX, handle: checkIn };

  const composer = new Composer<BotContext>();
  composer.hears(CODE_MESSAGE, requireConsent, async (ctx) => {
    const reply = await checkIn(ctx.person.id, ctx.language, ctx.message?.text ?? "");
    await ctx.reply(ctx.t(reply.key, reply.values));
  });
  composer.hears(CODE_ATTEMPT, (ctx) => ctx.reply(ctx.t("events.checkin_code_hint", { example: EXAMPLE_CODE })));

  return { composer, startPayload };
}
