import { existsSync } from "node:fs";
import type { Db } from "./db.js";
import { settlesWithin } from "./time.js";

/** Without a getUpdates answer or webhook request for this long, updates are not being received. */
export const UPDATES_STALE_AFTER_MS = 90_000;
/** A database that takes longer than this to answer counts as not answering. */
const DATABASE_ANSWER_MS = 2_000;

/** When updates last reached the bot: a successful getUpdates, a webhook request or a webhook check. */
export class UpdateReceipts {
  private lastAt: number;

  constructor(now = Date.now()) {
    this.lastAt = now;
  }

  mark(now = Date.now()): void {
    this.lastAt = now;
  }

  ageMs(now = Date.now()): number {
    return now - this.lastAt;
  }
}

export type HealthReport = { ok: true } | { ok: false; reason: string };

export interface HealthSources {
  db: Db;
  /** The SQLite file; a missing file (volume gone, file deleted) is unhealthy even while the open handle still reads. */
  databasePath: string | undefined;
  receipts: UpdateReceipts;
  staleAfterMs?: number;
}

async function databaseAnswers(db: Db): Promise<boolean> {
  let answered = false;
  const query = db.$queryRawUnsafe("SELECT count(*) FROM _prisma_migrations").then(() => (answered = true));
  return (await settlesWithin(query, DATABASE_ANSWER_MS)) && answered;
}

/** 200 only when the database answers and updates are arriving; otherwise the first reason why not. */
export async function checkHealth({
  db,
  databasePath,
  receipts,
  staleAfterMs = UPDATES_STALE_AFTER_MS,
}: HealthSources): Promise<HealthReport> {
  if (databasePath && !existsSync(databasePath)) return { ok: false, reason: "database file missing" };
  if (!(await databaseAnswers(db))) return { ok: false, reason: "database not answering" };
  const age = receipts.ageMs();
  if (age > staleAfterMs) return { ok: false, reason: `no updates received for ${Math.round(age / 1000)} s` };
  return { ok: true };
}
