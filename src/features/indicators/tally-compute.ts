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

export type TallyWorkerMessage =
  | { type: "progress"; done: number; total: number }
  | { type: "done"; changes: TallyChanges }
  | { type: "failed"; message: string };

export type TallyProgress = (done: number, total: number) => void;

/** How Prisma's SQLite adapter writes a DateTime; the worker binds and compares the same text. */
export function sqliteDateTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

export function periodId(kind: string, start: Date): string {
  return `${kind}|${sqliteDateTime(start)}`;
}

/**
 * The worker's entry: the compiled .js beside this file, or, when the bot runs from its sources
 * (tsx, vitest), a bootstrap that loads the .ts file through tsx — on Node 20 a worker inherits
 * neither tsx's loader nor vitest's transform.
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL("./tally-worker.js", import.meta.url);
  const source = new URL("./tally-worker.ts", import.meta.url).href;
  const bootstrap = `import { tsImport } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};
    await tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** Runs `job` in a worker thread and resolves with the differences it found. */
export function computeTallyChanges(job: TallyJob, onProgress?: TallyProgress): Promise<TallyChanges> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry(), { workerData: job });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on("message", (message: TallyWorkerMessage) => {
      if (message.type === "progress") onProgress?.(message.done, message.total);
      else if (message.type === "done") settle(() => resolve(message.changes));
      else settle(() => reject(new Error(`tally computation failed: ${message.message}`)));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`tally worker exited with code ${code} before it finished`))));
  });
}
