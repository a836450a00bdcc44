/**
 * The tally computation, run in a worker thread (see tally-compute.ts) so that the bot's event
 * loop keeps answering while SQLite works for seconds. It opens its own read-only connection to
 * the database file, reads everything in one read transaction (a consistent snapshot; in WAL mode
 * the bot's writes go on meanwhile), and posts back only the differences from the stored tallies.
 * It imports nothing of the bot: no Prisma, no grammY, only better-sqlite3.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import type { TallyJob, TallyWorkerMessage, TallyChanges, StoredTally } from "./tally-compute.js";

const key = (row: Pick<StoredTally, "indicator" | "periodKind" | "periodStart" | "scopeKey">) =>
  `${row.indicator}|${row.periodKind}|${row.periodStart}|${row.scopeKey}`;
const periodOf = (row: Pick<StoredTally, "periodKind" | "periodStart">) => `${row.periodKind}|${row.periodStart}`;

function compute(job: TallyJob, post: (message: TallyWorkerMessage) => void): TallyChanges {
  const db = new Database(job.path, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return db.transaction(() => {
      const stored = db
        .prepare(`SELECT "indicator", "periodKind", "periodStart", "scopeKey", "numerator", "denominator" FROM "IndicatorTally"`)
        .all() as StoredTally[];
      const fresh = new Map<string, StoredTally>();
      let done = 0;
      for (const chunk of job.chunks) {
        for (const row of db.prepare(chunk.sql).raw().all(...chunk.values) as unknown[][]) {
          const [indicator, periodKind, periodStart, scopeKey, numerator, denominator] = row as [string, string, string, string, number, number | null];
          const tally = { indicator, periodKind, periodStart, scopeKey, numerator, denominator };
          fresh.set(key(tally), tally);
        }
        done += chunk.periods;
        post({ type: "progress", done, total: job.totalPeriods });
      }
      return diff(stored, fresh, new Set(job.recomputed), new Set(job.candidates));
    })();
  } finally {
    db.close();
  }
}

/**
 * What must change so that IndicatorTally holds `fresh` for the recomputed periods: stored rows
 * of those periods that are not fresh any more go, and so do rows of periods that are no longer
 * tallied at all (before the first data, after "now"); rows of other periods stay untouched.
 */
function diff(stored: StoredTally[], fresh: Map<string, StoredTally>, recomputed: Set<string>, candidates: Set<string>): TallyChanges {
  const changes: TallyChanges = { inserts: [], updates: [], deletes: [] };
  const storedByKey = new Map<string, StoredTally>();
  for (const row of stored) {
    const period = periodOf(row);
    if (!recomputed.has(period) && candidates.has(period)) continue;
    storedByKey.set(key(row), row);
    if (!fresh.has(key(row))) changes.deletes.push(row);
  }
  for (const [rowKey, row] of fresh) {
    const old = storedByKey.get(rowKey);
    if (!old) changes.inserts.push(row);
    else if (old.numerator !== row.numerator || old.denominator !== row.denominator) changes.updates.push(row);
  }
  return changes;
}

const port = parentPort;
if (port) {
  const post = (message: TallyWorkerMessage) => port.postMessage(message);
  try {
    post({ type: "done", changes: compute(workerData as TallyJob, post) });
  } catch (error) {
    post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
}
