import { schedule, type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.js";

export interface Job {
  name: string;
  /** A cron expression, read in the office's time zone. */
  cron: string;
  run(): Promise<unknown>;
  /** Asks a long run to end early at a graceful stop (e.g. the broadcast queue mid-broadcast). */
  stop?(): Promise<void>;
}

export interface Scheduler {
  /** Stops scheduling and waits for running jobs to finish. */
  stop(): Promise<void>;
}

/** Runs each job on its schedule; a run never overlaps the previous one and errors are logged. */
export function startScheduler(jobs: readonly Job[], timeZone: string, logger: Logger): Scheduler {
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = jobs.map((job) =>
    schedule(
      job.cron,
      async () => {
        const run = job.run().catch((error: unknown) => logger.error("job failed", { job: job.name, error }));
        running.add(run);
        await run.finally(() => running.delete(run));
      },
      { name: job.name, timezone: timeZone, noOverlap: true, suppressMissedWarning: true },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map(async (task) => task.destroy()));
      await Promise.all(jobs.map(async (job) => job.stop?.()));
      await Promise.all(running);
    },
  };
}
