import type { Api } from "grammy";
import type { BotDeps } from "../../bot/context.js";
import { notifyPeople } from "../../bot/notify.js";
import { managerRecipients } from "../team/service.js";
import { computeDigest, digestText } from "./digest.js";

/** Monday morning: every manager gets last week's and last month's figures against the ones before. */
export async function sendWeeklyDigest(
  deps: Pick<BotDeps, "db" | "clock" | "timeZone" | "logger">,
  api: Api,
): Promise<number> {
  const digest = await computeDigest(deps.db, deps.clock(), deps.timeZone);
  const managers = await managerRecipients(deps.db);
  return notifyPeople(api, deps.logger, managers, (t, language) => ({
    text: digestText(digest, t, language, deps.timeZone),
  }));
}
