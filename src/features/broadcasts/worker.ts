import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { GrammyError, type Api } from "grammy";
import { asBulk } from "../../bot/bulk.js";
import type { BotDeps } from "../../bot/context.js";
import { isBlocked } from "../../bot/notify.js";
import type { Broadcast } from "../../generated/prisma/client.js";
import { languageOf, translator } from "../../i18n.js";
import { retryKeyboard } from "./keyboards.js";
import { sendBroadcastMessage } from "./notifications.js";
import {
  claimDeliveries,
  claimProgressMessage,
  deliveryCounts,
  finishIfComplete,
  isReachable,
  recordDelivery,
  releaseAllClaims,
  releaseClaims,
  sendingBroadcastIds,
  setProgressMessage,
  startDueBroadcasts,
  type ClaimedDelivery,
  type DeliveryCounts,
  type DeliveryOutcome,
} from "./service.js";
import { markBlockedByChat } from "../onboarding/service.js";

/**
 * The broadcast queue's worker. Each run starts scheduled broadcasts that are due, then claims
 * deliveries in batches (atomically, see claimDeliveries) and sends them with bounded
 * concurrency through the bot's API as bulk sends: the shared bulk limiter keeps the global pace
 * (about 30 messages per second) and auto-retry waits out a 429's retry_after. A delivery is marked sent only
 * after Telegram accepted it; a stop finishes the sends in flight, records them and hands the
 * rest of the batch back, so a new worker resumes without repeating or skipping anyone.
 */

export interface BroadcastWorkerOptions {
  /** Identifies this worker's claims; unique per process unless given. */
  workerId?: string;
  /** Sends waiting at once; the bulk limiter decides when each actually goes out. */
  concurrency?: number;
  /** Deliveries claimed per statement. */
  batchSize?: number;
  /** A claim older than this belongs to a worker that died and is taken over. */
  staleAfterMs?: number;
  /** The manager's progress message is edited at most this often. */
  progressIntervalMs?: number;
  /** Attempts (other than 429s) before a delivery counts as failed. */
  maxAttempts?: number;
}

export type BroadcastWorkerDeps = Pick<BotDeps, "db" | "clock" | "logger">;

export interface BroadcastRunCounts {
  sent: number;
  blocked: number;
  excluded: number;
  failed: number;
  retried: number;
}

export interface BroadcastWorker {
  readonly workerId: string;
  /** Sends until nothing is claimable; concurrent calls share the same run. */
  runOnce(): Promise<BroadcastRunCounts>;
  /** Stops after the sends in flight; resolves when the current run has ended. */
  stop(): Promise<void>;
  /** Hands back every claim at once, for a stop that cannot wait for the sends in flight. */
  abandon(): Promise<void>;
}

export const DEFAULTS = {
  concurrency: 30,
  batchSize: 100,
  staleAfterMs: 5 * 60_000,
  progressIntervalMs: 3_000,
  maxAttempts: 3,
} as const;

/** Backoff for errors other than 429: 30 s, 60 s, 120 s … */
export function retryDelayMs(attempts: number): number {
  return 30_000 * 2 ** Math.max(0, attempts - 1);
}

type Recipient = {
  id: number;
  chatId: bigint | null;
  language: string;
  erasedAt: Date | null;
  consentAt: Date | null;
  blockedAt: Date | null;
  broadcastsEnabled: boolean;
};
type BroadcastWithManager = Broadcast & { createdBy: { language: string } | null };

export function createBroadcastWorker(
  deps: BroadcastWorkerDeps,
  api: Api,
  options: BroadcastWorkerOptions = {},
): BroadcastWorker {
  const settings = { ...DEFAULTS, ...options };
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const lastProgress = new Map<number, number>();
  let stopping = false;
  let current: Promise<BroadcastRunCounts> | undefined;

  async function run(): Promise<BroadcastRunCounts> {
    const counts: BroadcastRunCounts = { sent: 0, blocked: 0, excluded: 0, failed: 0, retried: 0 };
    await startDueBroadcasts(deps.db, deps.clock());
    while (!stopping) {
      const now = deps.clock();
      const claimed = await claimDeliveries(
        deps.db,
        workerId,
        now,
        new Date(now.getTime() - settings.staleAfterMs),
        settings.batchSize,
      );
      if (claimed.length === 0) break;
      await sendBatch(claimed, counts);
      await reportProgress([...new Set(claimed.map((delivery) => delivery.broadcastId))]);
    }
    if (!stopping) await finishBroadcasts();
    if (counts.sent + counts.blocked + counts.failed + counts.retried > 0)
      deps.logger.info("broadcasts", { workerId, ...counts });
    return counts;
  }

  async function sendBatch(claimed: readonly ClaimedDelivery[], counts: BroadcastRunCounts): Promise<void> {
    const [broadcasts, people] = await Promise.all([
      deps.db.broadcast.findMany({
        where: { id: { in: [...new Set(claimed.map((delivery) => delivery.broadcastId))] } },
        include: { createdBy: { select: { language: true } } },
      }),
      deps.db.person.findMany({ where: { id: { in: claimed.map((delivery) => delivery.personId) } } }),
    ]);
    const broadcastById = new Map(broadcasts.map((broadcast) => [broadcast.id, broadcast]));
    const personById = new Map(people.map((person) => [person.id, person]));
    let next = 0;
    const lane = async () => {
      while (!stopping && next < claimed.length) {
        const delivery = claimed[next++];
        if (!delivery) continue;
        const outcome = await deliver(
          delivery,
          broadcastById.get(delivery.broadcastId),
          personById.get(delivery.personId),
        );
        if (outcome) {
          await recordDelivery(deps.db, workerId, delivery, outcome, deps.clock());
          counts[outcome.status === "retry" ? "retried" : outcome.status] += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, claimed.length) }, lane));
    // Stopping: what was claimed but not started goes back to the queue at once.
    await releaseClaims(
      deps.db,
      workerId,
      claimed.slice(next).map((delivery) => delivery.id),
    );
  }

  /** undefined: not for now (the broadcast was cancelled meanwhile); the claim is handed back. */
  async function deliver(
    delivery: ClaimedDelivery,
    broadcast: Broadcast | undefined,
    person: Recipient | undefined,
  ): Promise<DeliveryOutcome | undefined> {
    if (!broadcast || broadcast.status !== "sending") {
      await releaseClaims(deps.db, workerId, [delivery.id]);
      return undefined;
    }
    if (!person || !isReachable(person) || person.chatId === null)
      return { status: "excluded", error: "no longer reachable" };
    const chatId = Number(person.chatId);
    try {
      await sendBroadcastMessage(api, chatId, broadcast, languageOf(person.language), true);
      return { status: "sent" };
    } catch (error) {
      return classifyFailure(delivery, chatId, error);
    }
  }

  async function classifyFailure(delivery: ClaimedDelivery, chatId: number, error: unknown): Promise<DeliveryOutcome> {
    const now = deps.clock();
    const text = error instanceof Error ? error.message : String(error);
    if (isBlocked(error)) {
      // The API transformer marked the chat already; marking again is harmless.
      await markBlockedByChat(deps.db, chatId, now);
      return { status: "blocked", error: text };
    }
    if (error instanceof GrammyError && error.error_code === 429) {
      // Auto-retry already waited and gave up: put it back for after retry_after, not as a fault.
      const seconds = error.parameters.retry_after ?? 1;
      return { status: "retry", error: text, at: new Date(now.getTime() + seconds * 1000), countsAsAttempt: false };
    }
    const attempts = delivery.attempts + 1;
    deps.logger.warn("broadcast delivery not sent", { deliveryId: delivery.id, attempts, error });
    if (attempts >= settings.maxAttempts) return { status: "failed", error: text };
    return {
      status: "retry",
      error: text,
      at: new Date(now.getTime() + retryDelayMs(attempts)),
      countsAsAttempt: true,
    };
  }

  async function loadBroadcast(broadcastId: number): Promise<BroadcastWithManager | null> {
    return deps.db.broadcast.findUnique({
      where: { id: broadcastId },
      include: { createdBy: { select: { language: true } } },
    });
  }

  async function reportProgress(broadcastIds: readonly number[]): Promise<void> {
    for (const broadcastId of broadcastIds) {
      const last = lastProgress.get(broadcastId) ?? 0;
      if (Date.now() - last < settings.progressIntervalMs) continue;
      lastProgress.set(broadcastId, Date.now());
      const broadcast = await loadBroadcast(broadcastId);
      if (!broadcast?.progressChatId || broadcast.status !== "sending") continue;
      const t = translator(broadcast.createdBy?.language ?? "de");
      const counts = await deliveryCounts(deps.db, broadcastId);
      const text = t("broadcasts.progress", {
        done: counts.sent + counts.blocked + counts.failed,
        total: total(counts),
        sent: counts.sent,
      });
      await tellManager(broadcast, text);
    }
  }

  /** Posts the progress message once (whoever claims it), then edits it. */
  async function tellManager(broadcast: Broadcast, text: string): Promise<void> {
    const chatId = Number(broadcast.progressChatId);
    try {
      if (broadcast.progressMessageId === null) {
        if (!(await claimProgressMessage(deps.db, broadcast.id))) return;
        const message = await api.sendMessage(chatId, text, asBulk());
        await setProgressMessage(deps.db, broadcast.id, message.message_id);
      } else if (broadcast.progressMessageId > 0) {
        await api.editMessageText(chatId, broadcast.progressMessageId, text, asBulk());
      }
    } catch (error) {
      deps.logger.debug("could not update broadcast progress", { broadcastId: broadcast.id, error });
    }
  }

  async function finishBroadcasts(): Promise<void> {
    for (const broadcastId of await sendingBroadcastIds(deps.db)) {
      if (!(await finishIfComplete(deps.db, broadcastId, deps.clock()))) continue;
      lastProgress.delete(broadcastId);
      const broadcast = await loadBroadcast(broadcastId);
      if (!broadcast?.progressChatId) continue;
      const t = translator(broadcast.createdBy?.language ?? "de");
      const counts = await deliveryCounts(deps.db, broadcastId);
      const text = t("broadcasts.report", {
        sent: counts.sent,
        blocked: counts.blocked,
        failed: counts.failed,
        excluded: counts.excluded,
      });
      if (broadcast.progressMessageId)
        await tellManager(broadcast, t("broadcasts.progress_done", { total: total(counts) }));
      try {
        await api.sendMessage(
          Number(broadcast.progressChatId),
          text,
          counts.failed > 0 ? { reply_markup: retryKeyboard(t, broadcastId) } : {},
        );
      } catch (error) {
        deps.logger.warn("could not send the broadcast report", { broadcastId, error });
      }
    }
  }

  return {
    workerId,
    runOnce() {
      if (stopping) return Promise.resolve({ sent: 0, blocked: 0, excluded: 0, failed: 0, retried: 0 });
      current ??= run().finally(() => {
        current = undefined;
      });
      return current;
    },
    async stop() {
      stopping = true;
      await current?.catch(() => undefined);
    },
    async abandon() {
      stopping = true;
      await releaseAllClaims(deps.db, workerId);
    },
  };
}

function total(counts: DeliveryCounts): number {
  return counts.pending + counts.claimed + counts.sent + counts.blocked + counts.failed;
}
