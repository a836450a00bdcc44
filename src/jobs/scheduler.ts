import { schedule, type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.js";
import { settlesWithin } from "../time.js";

export interface Job {
  name: string;
  /** A cron expression, read in the office's time zone. */
  cron: string;
  run(): Promise<unknown>;
  /** Asks a long run to end early at a graceful stop (e.g. the broadcast queue mid-broadcast). */
  stop?(): Promise<void>;
  /** Called when a run did not end within the stop's grace time: hand back what it holds. */
  abandon?(): Promise<void>;
}

/** What the scheduler reports after every run (for metrics). */
export type JobRunListener = (job: string, outcome: { startedAt: Date; durationMs: number; ok: boolean }) => void;

export interface Scheduler {
  /** Stops scheduling and waits for running jobs, at most `graceMs`; then abandons what still runs. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs each job on its schedule; a run never overlaps the previous one and errors are logged. */
export function startScheduler(
  jobs: readonly Job[],
  timeZone: string,
  logger: Logger,
  onRun?: JobRunListener,
): Scheduler {
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = jobs.map((job) =>
    schedule(
      job.cron,
      async () => {
        const startedAt = new Date();
        const run = job.run().then(
          () => onRun?.(job.name, { startedAt, durationMs: Date.now() - startedAt.getTime(), ok: true }),
          (error: unknown) => {
            logger.error("job failed", { job: job.name, error });
            onRun?.(job.name, { startedAt, durationMs: Date.now() - startedAt.getTime(), ok: false });
          },
        );
        running.add(run);
        await run.finally(() => running.delete(run));
      },
      { name: job.name, timezone: timeZone, noOverlap: true, suppressMissedWarning: true },
    ),
  );
  return {
    async stop(graceMs) {
      await Promise.all(tasks.map(async (task) => task.destroy()));
      const finished = Promise.all([...jobs.map(async (job) => job.stop?.()), ...running]);
      if (graceMs === undefined) return void (await finished);
      if (await settlesWithin(finished, graceMs)) return;
      logger.warn("jobs still running at stop; handing back their work", { graceMs });
      await Promise.all(jobs.map(async (job) => job.abandon?.()));
    },
  };
}
