import type { MiddlewareFn } from "grammy";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Db } from "./db.js";
import type { JobRunListener } from "./jobs/scheduler.js";

/**
 * The bot's Prometheus metrics, served on GET /metrics. Counters are fed by a middleware, the
 * scheduler and the error handler; queue depths and blocked people are counted in the database
 * at each scrape, so they are right even after a restart.
 */
export interface BotMetrics {
  readonly registry: Registry;
  /** Counts and times every update; goes first in the bot's middleware. */
  readonly middleware: MiddlewareFn;
  /** Called by the bot's error handler for each update that failed. */
  readonly handlerError: () => void;
  /** Called by the scheduler after each job run. */
  readonly jobRun: JobRunListener;
  /** Called for each update that reached the bot (a getUpdates batch or a webhook request). */
  readonly updatesReceived: (count: number) => void;
}

/** "message", "callback_query", …: the kind of an update is its one key besides update_id. */
function updateKind(update: object): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

export function createMetrics(db: Db): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const updates = new Counter({
    name: "belm_updates_handled_total",
    help: "Updates handled, by kind",
    labelNames: ["kind"],
    registers: [registry],
  });
  const received = new Counter({
    name: "belm_updates_received_total",
    help: "Updates received from Telegram",
    registers: [registry],
  });
  const errors = new Counter({
    name: "belm_handler_errors_total",
    help: "Updates whose handling failed (the person got the generic error message)",
    registers: [registry],
  });
  const latency = new Histogram({
    name: "belm_update_duration_seconds",
    help: "Time from an update reaching the bot to the end of its handling, replies included",
    labelNames: ["kind"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const jobLastRun = new Gauge({
    name: "belm_job_last_run_timestamp_seconds",
    help: "Start of the last run of each scheduled job (indicator-tallies, reminders, …)",
    labelNames: ["job"],
    registers: [registry],
  });
  const jobDuration = new Gauge({
    name: "belm_job_last_duration_seconds",
    help: "Duration of the last run of each scheduled job",
    labelNames: ["job"],
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: "belm_job_failures_total",
    help: "Failed job runs",
    labelNames: ["job"],
    registers: [registry],
  });

  new Gauge({
    name: "belm_reminders_pending",
    help: "Reminders not yet sent, cancelled or failed; due ones are overdue",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const open = { sentAt: null, cancelledAt: null, failedAt: null };
      const now = new Date();
      const [due, later] = await Promise.all([
        db.reminder.count({ where: { ...open, dueAt: { lte: now } } }),
        db.reminder.count({ where: { ...open, dueAt: { gt: now } } }),
      ]);
      this.set({ state: "due" }, due);
      this.set({ state: "scheduled" }, later);
    },
  });
  new Gauge({
    name: "belm_broadcast_deliveries_queued",
    help: "Broadcast deliveries waiting to be sent (pending) or being sent (claimed)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const groups = await db.broadcastDelivery.groupBy({
        by: ["status"],
        where: { status: { in: ["pending", "claimed"] } },
        _count: true,
      });
      this.set({ status: "pending" }, 0);
      this.set({ status: "claimed" }, 0);
      for (const group of groups) this.set({ status: group.status }, group._count);
    },
  });
  new Gauge({
    name: "belm_people_blocked",
    help: "People who blocked the bot (Telegram answered 403)",
    registers: [registry],
    async collect() {
      this.set(await db.person.count({ where: { blockedAt: { not: null } } }));
    },
  });

  return {
    registry,
    middleware: async (ctx, next) => {
      const kind = updateKind(ctx.update);
      const stopTimer = latency.startTimer({ kind });
      try {
        await next();
      } finally {
        stopTimer();
        updates.inc({ kind });
      }
    },
    handlerError: () => errors.inc(),
    jobRun: (job, { startedAt, durationMs, ok }) => {
      jobLastRun.set({ job }, startedAt.getTime() / 1000);
      jobDuration.set({ job }, durationMs / 1000);
      if (!ok) jobFailures.inc({ job });
    },
    updatesReceived: (count) => received.inc(count),
  };
}
