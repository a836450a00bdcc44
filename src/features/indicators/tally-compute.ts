import { Worker } from "node:worker_threads";

/** A tally as the worker reads and compares it: DateTime columns as SQLite holds them (text). */
export interface StoredTally {
  indicator: string;
  periodKind: string;
  periodStart: string;
  scopeKey: string;
  numerator: number;
  denominator: number | null;
}

/** One statement of the computation (the tally query for a few periods) and how many periods it covers. */
export interface TallyChunk {
  sql: string;
  values: (string | number | null)[];
  periods: number;
}

/** Everything the worker needs; periods are named "kind|start" with start as stored. */
export interface TallyJob {
  /** The database file; the worker opens it read-only. */
  path: string;
  chunks: TallyChunk[];
  totalPeriods: number;
  /** The periods computed afresh; their stored tallies are compared with the fresh ones. */
  recomputed: string[];
  /** Every period that has tallies at all; stored tallies of any other period are stale. */
  candidates: string[];
}

export interface TallyChanges {
  inserts: StoredTally[];
  updates: StoredTally[];
  deletes: StoredTally[];
}

export type TallyWorkerReport =
  | { type: "progress"; done: number; total: number }
  | { type: "done"; changes: TallyChanges }
  | { type: "failed"; message: string };
/** What the worker posts back about the job with `id`. */
export type TallyWorkerMessage = TallyWorkerReport & { id: number };

export type TallyProgress = (done: number, total: number) => void;

/** How Prisma's SQLite adapter writes a DateTime; the worker binds and compares the same text. */
export function sqliteDateTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

export function periodId(kind: string, start: Date): string {
  return `${kind}|${sqliteDateTime(start)}`;
}

/** The worker's file: JavaScript, so the same URL works from the sources and from dist/. */
const WORKER_ENTRY = new URL("./tally-worker.js", import.meta.url);

interface PendingJob {
  resolve(changes: TallyChanges): void;
  reject(error: Error): void;
  onProgress: TallyProgress | undefined;
}

/**
 * One worker, started at the first job and kept (starting one costs some 50 ms). It takes jobs one after the other; while it has none it does not keep the
 * process alive, and it holds no database connection.
 */
let worker: Worker | undefined;
const pending = new Map<number, PendingJob>();
let nextJobId = 1;

function startWorker(): Worker {
  const started = new Worker(WORKER_ENTRY);
  const failAll = (error: Error) => {
    if (worker === started) worker = undefined;
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };
  started.on("message", (message: TallyWorkerMessage) => {
    const job = pending.get(message.id);
    if (!job) return;
    if (message.type === "progress") return job.onProgress?.(message.done, message.total);
    pending.delete(message.id);
    if (pending.size === 0) started.unref();
    if (message.type === "done") job.resolve(message.changes);
    else job.reject(new Error(`tally computation failed: ${message.message}`));
  });
  started.on("error", failAll);
  started.on("exit", (code) => failAll(new Error(`tally worker exited with code ${code}`)));
  return started;
}

/** Runs `job` in the worker thread and resolves with the differences it found. */
export function computeTallyChanges(job: TallyJob, onProgress?: TallyProgress): Promise<TallyChanges> {
  worker ??= startWorker();
  const running = worker;
  const id = nextJobId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    running.ref();
    running.postMessage({ id, job });
  });
}
