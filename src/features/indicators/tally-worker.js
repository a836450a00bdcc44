// @ts-check
/**
 * The tally computation, run in a worker thread (see tally-compute.ts) so that the bot's event
 * loop keeps answering while SQLite works for seconds. For each job it opens its own read-only
 * connection to the database file, reads everything in one read transaction (a consistent
 * snapshot; in WAL mode the bot's writes go on meanwhile), posts back only the differences from
 * the stored tallies and closes the connection, so an idle worker holds no locks or cache.
 *
 * Plain JavaScript (type-checked through JSDoc), so that the same file runs from the sources
 * (tsx, vitest) and from dist/ without a TypeScript loader in the worker; it imports nothing of
 * the bot: no Prisma, no grammY, only better-sqlite3.
 */
import Database from "better-sqlite3";
import { parentPort } from "node:worker_threads";

/** @typedef {import("./tally-compute.js").StoredTally} StoredTally */
/** @typedef {import("./tally-compute.js").TallyChanges} TallyChanges */
/** @typedef {import("./tally-compute.js").TallyJob} TallyJob */
/** @typedef {import("./tally-compute.js").TallyWorkerReport} TallyWorkerReport */
/** @typedef {import("./tally-compute.js").TallyWorkerMessage} TallyWorkerMessage */

/** @param {Pick<StoredTally, "indicator" | "periodKind" | "periodStart" | "scopeKey">} row */
const keyOf = (row) => `${row.indicator}|${row.periodKind}|${row.periodStart}|${row.scopeKey}`;
/** @param {Pick<StoredTally, "periodKind" | "periodStart">} row */
const periodOf = (row) => `${row.periodKind}|${row.periodStart}`;

/**
 * @param {TallyJob} job
 * @param {(report: TallyWorkerReport) => void} post
 * @returns {TallyChanges}
 */
function compute(job, post) {
  const db = new Database(job.path, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return db.transaction(() => {
      const stored = /** @type {StoredTally[]} */ (
        db
          .prepare(
            `SELECT "indicator", "periodKind", "periodStart", "scopeKey", "numerator", "denominator" FROM "IndicatorTally"`,
          )
          .all()
      );
      /** @type {Map<string, StoredTally>} */
      const fresh = new Map();
      let done = 0;
      for (const chunk of job.chunks) {
        // By position: the tally query's columns are indicator, kind, start, scopeKey, numerator, denominator.
        for (const row of /** @type {[string, string, string, string, number, number | null][]} */ (
          db
            .prepare(chunk.sql)
            .raw()
            .all(...chunk.values)
        )) {
          const [indicator, periodKind, periodStart, scopeKey, numerator, denominator] = row;
          const tally = { indicator, periodKind, periodStart, scopeKey, numerator, denominator };
          fresh.set(keyOf(tally), tally);
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
 * tallied at all (before the first data); rows of the other periods stay untouched.
 * @param {StoredTally[]} stored
 * @param {Map<string, StoredTally>} fresh
 * @param {Set<string>} recomputed
 * @param {Set<string>} candidates
 * @returns {TallyChanges}
 */
function diff(stored, fresh, recomputed, candidates) {
  /** @type {TallyChanges} */
  const changes = { inserts: [], updates: [], deletes: [] };
  /** @type {Map<string, StoredTally>} */
  const comparable = new Map();
  for (const row of stored) {
    const period = periodOf(row);
    if (!recomputed.has(period) && candidates.has(period)) continue;
    comparable.set(keyOf(row), row);
    if (!fresh.has(keyOf(row))) changes.deletes.push(row);
  }
  for (const [key, row] of fresh) {
    const old = comparable.get(key);
    if (!old) changes.inserts.push(row);
    else if (old.numerator !== row.numerator || old.denominator !== row.denominator) changes.updates.push(row);
  }
  return changes;
}

// Jobs arrive one by one; each is computed synchronously, so they never overlap.
parentPort?.on("message", (/** @type {{ id: number; job: TallyJob }} */ { id, job }) => {
  /** @param {TallyWorkerReport} report */
  const post = (report) => parentPort?.postMessage(/** @type {TallyWorkerMessage} */ ({ ...report, id }));
  try {
    post({ type: "done", changes: compute(job, post) });
  } catch (error) {
    post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
});
