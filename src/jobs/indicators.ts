import { recomputeTallies, type RecomputeResult } from "../features/indicators/tallies.js";
import type { TallyProgress } from "../features/indicators/tally-compute.js";
import type { Db } from "../db.js";
import type { JobDeps } from "./deps.js";

type TallyJobDeps = Pick<JobDeps, "db" | "clock" | "timeZone" | "logger">;

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
export function runTallyJob(deps: TallyJobDeps, request: TallyJobRequest = {}): Promise<RecomputeResult> {
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
