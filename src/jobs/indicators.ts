import type { Api } from "grammy";
import type { BotDeps } from "../bot/context.js";
import { notifyPeople } from "../bot/notify.js";
import { computeDigest, digestText } from "../features/indicators/digest.js";
import { recomputeTallies, type RecomputeResult } from "../features/indicators/tallies.js";
import type { TallyProgress } from "../features/indicators/tally-compute.js";
import type { Db } from "../db.js";
import { managerRecipients } from "../features/team/service.js";

type JobDeps = Pick<BotDeps, "db" | "clock" | "timeZone" | "logger">;

export interface TallyJobRequest {
  /** Every period rather than those that can have changed (the nightly run). */
  full?: boolean;
  /** Told how many of the periods are done; also when the request joined a run already going. */
  onProgress?: TallyProgress;
}

interface TallyRun {
  full: boolean;
  listeners: Set<TallyProgress>;
  result: Promise<RecomputeResult>;
}

/** The run per database that a new request joins instead of starting another. */
const currentRuns = new WeakMap<Db, TallyRun>();

/**
 * Brings the stored tallies in line with the data (nightly in full, and when a manager asks).
 * A request while a run is going joins it and gets its result, unless it asks for a full run
 * while only an incremental one is going: that full run starts once the incremental one ends.
 */
export function runTallyJob(deps: JobDeps, request: TallyJobRequest = {}): Promise<RecomputeResult> {
  const current = currentRuns.get(deps.db);
  if (current && (current.full || !request.full)) {
    if (request.onProgress) current.listeners.add(request.onProgress);
    return current.result;
  }
  const full = request.full ?? false;
  const listeners = new Set(request.onProgress ? [request.onProgress] : []);
  const previous = current?.result.catch(() => undefined);
  const result = (async () => {
    await previous;
    const started = Date.now();
    const outcome = await recomputeTallies(deps.db, deps.clock(), deps.timeZone, {
      full,
      onProgress: (done, total) => listeners.forEach((listener) => listener(done, total)),
    });
    deps.logger.info("indicator tallies recomputed", { ...outcome, full, ms: Date.now() - started });
    return outcome;
  })().finally(() => {
    if (currentRuns.get(deps.db)?.result === result) currentRuns.delete(deps.db);
  });
  currentRuns.set(deps.db, { full, listeners, result });
  return result;
}

/** Monday morning: every manager gets last week's and last month's figures against the ones before. */
export async function sendWeeklyDigest(deps: JobDeps, api: Api): Promise<number> {
  const digest = await computeDigest(deps.db, deps.clock(), deps.timeZone);
  const managers = await managerRecipients(deps.db);
  return notifyPeople(api, deps.logger, managers, (t, language) => ({ text: digestText(digest, t, language, deps.timeZone) }));
}
