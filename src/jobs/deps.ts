import type { Db } from "../db.js";
import type { Logger } from "../logger.js";
import type { Clock } from "../time.js";

/** What the jobs need from the outside world: no Telegram here, sends are passed in where a job sends. */
export interface JobDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  /** Months without use before the automatic erasure; DEFAULT_RETENTION_MONTHS when left out. */
  retentionMonths?: number;
}
