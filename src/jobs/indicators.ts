import type { Api } from "grammy";
import type { BotDeps } from "../bot/context.js";
import { notifyPeople } from "../bot/notify.js";
import { computeDigest, digestText } from "../features/indicators/digest.js";
import { recomputeTallies, type RecomputeResult } from "../features/indicators/tallies.js";
import { managerRecipients } from "../features/team/service.js";

type JobDeps = Pick<BotDeps, "db" | "clock" | "timeZone" | "logger">;

/** Brings the stored tallies in line with the data (nightly, and when a manager asks). */
export async function runTallyJob(deps: JobDeps): Promise<RecomputeResult> {
  const started = Date.now();
  const result = await recomputeTallies(deps.db, deps.clock(), deps.timeZone);
  deps.logger.info("indicator tallies recomputed", { ...result, ms: Date.now() - started });
  return result;
}

/** Monday morning: every manager gets last week's and last month's figures against the ones before. */
export async function sendWeeklyDigest(deps: JobDeps, api: Api): Promise<number> {
  const digest = await computeDigest(deps.db, deps.clock(), deps.timeZone);
  const managers = await managerRecipients(deps.db);
  return notifyPeople(api, deps.logger, managers, (t, language) => ({ text: digestText(digest, t, language, deps.timeZone) }));
}
