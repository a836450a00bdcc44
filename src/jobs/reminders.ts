import type { Db } from "../db.js";
import type { Person, Reminder } from "../generated/prisma/client.js";
import { attendanceReminders } from "../features/attendance/reminders.js";
import { courseSessionReminders } from "../features/courses/reminders.js";
import { eventReminders } from "../features/events/reminders.js";
import { sponsorshipReminders } from "../features/sponsorship/reminders.js";
import { retentionReminders } from "../features/onboarding/reminders.js";
import { markBlockedByChat } from "../features/onboarding/service.js";
import { isBlocked } from "../telegram-errors.js";
import { utcToWallClock } from "../time.js";
import type { JobDeps } from "./deps.js";
import {
  addReminders,
  type DueReminder,
  type ReminderContext,
  type ReminderSource,
  type ReplyButtons,
  type Review,
} from "./reminder-source.js";

/**
 * One mechanism for every reminder of the bot. Each run has two phases:
 * - plan: every source proposes the reminders that should exist by now; a row is created once
 *   per dedupeKey, so planning again (every minute, after a restart) changes nothing;
 * - deliver: due rows are re-checked, sent, and marked sent only after Telegram accepted them.
 * Features add kinds by adding a source to `reminderSources`.
 */

export const reminderSources: readonly ReminderSource[] = [
  courseSessionReminders,
  eventReminders,
  sponsorshipReminders,
  attendanceReminders,
  retentionReminders,
];

/** Sends a text (with optional buttons) to a chat; rejects when Telegram did not accept it. */
export type SendText = (chatId: number, text: string, options?: { reply_markup?: ReplyButtons }) => Promise<unknown>;

export type ReminderJobDeps = Pick<JobDeps, "db" | "timeZone" | "logger">;

export interface ReminderRunCounts {
  /** Rows created by this run. */
  planned: number;
  sent: number;
  cancelled: number;
  failed: number;
  /** Due but left for later: quiet hours, a retry after an error, or no source for the kind. */
  deferred: number;
}

/** On the office's clock, from 21:00 until 08:00 nothing is sent unless the source allows it. */
export const QUIET_HOURS = { from: 21, until: 8 } as const;
export const MAX_ATTEMPTS = 5;
const BATCH_SIZE = 100;

/** One run at `now`: plan what should exist, then deliver what is due. */
export async function runReminderJob(
  deps: ReminderJobDeps,
  send: SendText,
  now: Date,
  sources: readonly ReminderSource[] = reminderSources,
): Promise<ReminderRunCounts> {
  const context = { db: deps.db, timeZone: deps.timeZone };
  const planned = await planReminders(context, sources, now);
  const counts = { planned, ...(await deliverDueReminders(deps, sources, send, now)) };
  if (counts.planned + counts.sent + counts.cancelled + counts.failed > 0) deps.logger.info("reminders", counts);
  return counts;
}

// ───────────────────────────── planning ─────────────────────────────

async function planReminders(context: ReminderContext, sources: readonly ReminderSource[], now: Date): Promise<number> {
  let created = 0;
  for (const source of sources) created += await addReminders(context.db, await source.plan(context, now), now);
  return created;
}

// ───────────────────────────── delivering ─────────────────────────────

type Outcome = "sent" | "cancelled" | "failed" | "deferred";

async function deliverDueReminders(
  deps: ReminderJobDeps,
  sources: readonly ReminderSource[],
  send: SendText,
  now: Date,
): Promise<Omit<ReminderRunCounts, "planned">> {
  const counts = { sent: 0, cancelled: 0, failed: 0, deferred: 0 };
  const quiet = isQuietHour(now, deps.timeZone);
  // Deferred rows stay due, so the batches walk forward from the last row seen instead of re-reading.
  let after: Reminder | undefined;
  for (;;) {
    const batch = await dueBatch(deps.db, now, after);
    const reviews = await reviewAll({ db: deps.db, timeZone: deps.timeZone }, sources, batch, now);
    for (const reminder of batch) {
      const outcome = await deliver(deps, send, reminder, reviews.get(reminder.id), quiet, now);
      counts[outcome] += 1;
    }
    if (batch.length < BATCH_SIZE) return counts;
    after = batch.at(-1);
  }
}

async function dueBatch(db: Db, now: Date, after?: Reminder): Promise<DueReminder[]> {
  const afterLast = after && { OR: [{ dueAt: { gt: after.dueAt } }, { dueAt: after.dueAt, id: { gt: after.id } }] };
  return db.reminder.findMany({
    where: { sentAt: null, cancelledAt: null, failedAt: null, dueAt: { lte: now }, ...afterLast },
    orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    take: BATCH_SIZE,
    include: { person: true },
  });
}

async function reviewAll(
  context: ReminderContext,
  sources: readonly ReminderSource[],
  batch: readonly DueReminder[],
  now: Date,
) {
  const reviews = new Map<number, Review>();
  for (const source of sources) {
    const own = batch.filter((reminder) => source.kinds.includes(reminder.kind));
    if (own.length === 0) continue;
    for (const [id, review] of await source.review(context, own, now)) reviews.set(id, review);
  }
  return reviews;
}

async function deliver(
  deps: ReminderJobDeps,
  send: SendText,
  reminder: DueReminder,
  review: Review | undefined,
  quiet: boolean,
  now: Date,
): Promise<Outcome> {
  // A kind without a source yet stays pending, to be sent once its feature registers one.
  if (!review) return "deferred";
  const unreachable = whyUnreachable(reminder.person);
  if (unreachable) return cancel(deps, reminder, unreachable, now);
  if (!review.send) return cancel(deps, reminder, review.reason, now);
  if (quiet && !review.allowedInQuietHours) return "deferred";
  return sendAndRecord(deps, send, reminder, review, now);
}

function whyUnreachable(person: Person): string | undefined {
  if (person.chatId === null) return "no chat";
  if (person.erasedAt !== null) return "erased";
  if (person.consentAt === null) return "no consent";
  if (person.blockedAt !== null) return "blocked the bot";
  return undefined;
}

function isQuietHour(now: Date, timeZone: string): boolean {
  const { hour } = utcToWallClock(now, timeZone);
  return hour >= QUIET_HOURS.from || hour < QUIET_HOURS.until;
}

async function cancel(deps: ReminderJobDeps, reminder: Reminder, reason: string, now: Date): Promise<Outcome> {
  await deps.db.reminder.update({ where: { id: reminder.id }, data: { cancelledAt: now } });
  deps.logger.debug("reminder cancelled", { reminderId: reminder.id, kind: reminder.kind, reason });
  return "cancelled";
}

async function sendAndRecord(
  deps: ReminderJobDeps,
  send: SendText,
  reminder: DueReminder,
  review: Review & { send: true },
  now: Date,
): Promise<Outcome> {
  const chatId = Number(reminder.person.chatId);
  try {
    await (review.reply_markup
      ? send(chatId, review.text, { reply_markup: review.reply_markup })
      : send(chatId, review.text));
  } catch (error) {
    return recordFailure(deps, reminder, chatId, error, now);
  }
  await deps.db.reminder.update({ where: { id: reminder.id }, data: { sentAt: now, attempts: { increment: 1 } } });
  return "sent";
}

async function recordFailure(
  deps: ReminderJobDeps,
  reminder: Reminder,
  chatId: number,
  error: unknown,
  now: Date,
): Promise<Outcome> {
  const blocked = isBlocked(error);
  // Sends through bot.api have marked the chat already (api-transformers.ts); marking is idempotent.
  if (blocked) await markBlockedByChat(deps.db, chatId, now);
  const attempts = reminder.attempts + 1;
  const givesUp = blocked || attempts >= MAX_ATTEMPTS;
  await deps.db.reminder.update({
    where: { id: reminder.id },
    data: { attempts, lastError: errorText(error), failedAt: givesUp ? now : null },
  });
  if (blocked)
    deps.logger.info("reminder not sent: chat blocked the bot", {
      reminderId: reminder.id,
      kind: reminder.kind,
      chatId,
    });
  else
    deps.logger.warn("reminder not sent", { reminderId: reminder.id, kind: reminder.kind, attempts, givesUp, error });
  return givesUp ? "failed" : "deferred";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
