import { DEFAULT_RETENTION_MONTHS } from "../features/onboarding/privacy.js";
import { runRetention, type RetentionRunCounts } from "../features/onboarding/retention.js";
import type { JobDeps } from "./deps.js";

export type RetentionJobDeps = Pick<JobDeps, "db" | "logger" | "retentionMonths">;

/**
 * The daily retention run (see features/onboarding/retention.ts). The notices it plans are sent by
 * the reminder job within the minute; the erasure itself sends nothing, as nothing runs for the
 * people it erases.
 */
export async function runRetentionJob(deps: RetentionJobDeps, now: Date): Promise<RetentionRunCounts> {
  const counts = await runRetention(deps.db, deps.retentionMonths ?? DEFAULT_RETENTION_MONTHS, now);
  if (counts.noticesPlanned + counts.erased > 0) deps.logger.info("retention", { ...counts });
  return counts;
}
