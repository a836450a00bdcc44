import { z } from "zod";
import { Prisma, type Db } from "../../db.js";
import type { Broadcast, DeliveryStatus } from "../../generated/prisma/client.js";
import { FALLBACK_LANGUAGE, LANGUAGES, languageOf, type Language } from "../../i18n.js";
import { assertRole, type Actor } from "../../people/roles.js";

export * from "./audiences.js";
import { audienceSchema, audienceWhere, isReachable, REACHABLE, type Audience } from "./audiences.js";

// ───────────────────────────── creating and cancelling ─────────────────────────────

/** Telegram's limits: 4096 characters for a text, 1024 for the caption of a photo or document. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

export interface BroadcastInput {
  audience: Audience;
  /** The fallback text: every language without its own text in `texts` gets it. */
  textDe: string;
  /** The texts in other languages, by language. */
  texts?: Partial<Record<Language, string>>;
  photoFileId?: string;
  documentFileId?: string;
  /** Later than now: the broadcast waits until then; otherwise it starts at once. */
  scheduledFor?: Date;
  /** Where progress and the final report go (the manager's chat). */
  progressChatId?: number;
}

export interface CreatedBroadcast {
  broadcast: Broadcast;
  reach: number;
  excluded: number;
}

/**
 * Creates a broadcast and its queue in one transaction: a pending delivery per reachable person
 * and an 'excluded' row for everyone else in the audience, so the report can count them.
 */
export async function createBroadcast(
  db: Db,
  actor: Actor,
  input: BroadcastInput,
  now: Date,
): Promise<CreatedBroadcast> {
  assertRole(actor, "manager");
  const audience = audienceSchema.parse(input.audience);
  const limit = input.photoFileId || input.documentFileId ? MAX_CAPTION_LENGTH : MAX_TEXT_LENGTH;
  const texts = ownTexts(input.textDe, input.texts ?? {});
  for (const text of [input.textDe, ...Object.values(texts)]) {
    if (text.trim() === "" || text.length > limit) throw new Error(`broadcast text must have 1 to ${limit} characters`);
  }
  const scheduled = input.scheduledFor !== undefined && input.scheduledFor > now;
  return db.$transaction(async (tx) => {
    const broadcast = await tx.broadcast.create({
      data: {
        createdById: actor.id,
        audience: JSON.stringify(audience),
        textDe: input.textDe,
        texts: JSON.stringify(texts),
        textRu: texts.ru ?? input.textDe,
        photoFileId: input.photoFileId ?? null,
        documentFileId: input.documentFileId ?? null,
        status: scheduled ? "scheduled" : "sending",
        scheduledFor: scheduled ? input.scheduledFor : null,
        startedAt: scheduled ? null : now,
        progressChatId: input.progressChatId === undefined ? null : BigInt(input.progressChatId),
      },
    });
    const people = await tx.person.findMany({
      where: audienceWhere(audience),
      select: { id: true, chatId: true, erasedAt: true, consentAt: true, blockedAt: true, broadcastsEnabled: true },
      orderBy: { id: "asc" },
    });
    const rows = people.map((person) => ({
      broadcastId: broadcast.id,
      personId: person.id,
      status: isReachable(person) ? ("pending" as const) : ("excluded" as const),
    }));
    if (rows.length > 0) await tx.broadcastDelivery.createMany({ data: rows });
    const reach = rows.filter((row) => row.status === "pending").length;
    return { broadcast, reach, excluded: rows.length - reach };
  });
}

/** A scheduled broadcast, or one still sending, stops: its pending deliveries are not sent. */
export async function cancelBroadcast(
  db: Db,
  actor: Actor,
  broadcastId: number,
  now: Date,
): Promise<Broadcast | undefined> {
  assertRole(actor, "manager");
  const { count } = await db.broadcast.updateMany({
    where: { id: broadcastId, status: { in: ["scheduled", "sending"] } },
    data: { status: "cancelled", finishedAt: now },
  });
  return count === 1 ? db.broadcast.findUniqueOrThrow({ where: { id: broadcastId } }) : undefined;
}

/** Failed deliveries are queued again; the broadcast sends once more and reports again. */
export async function retryFailed(db: Db, actor: Actor, broadcastId: number): Promise<number> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const broadcast = await tx.broadcast.findUnique({ where: { id: broadcastId } });
    if (!broadcast || broadcast.status !== "done") return 0;
    const { count } = await tx.broadcastDelivery.updateMany({
      where: { broadcastId, status: "failed" },
      data: { status: "pending", attempts: 0, nextAttemptAt: null, claimedBy: null, claimedAt: null },
    });
    if (count > 0)
      await tx.broadcast.update({ where: { id: broadcastId }, data: { status: "sending", finishedAt: null } });
    return count;
  });
}

export async function setBroadcastsEnabled(db: Db, personId: number, enabled: boolean): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { broadcastsEnabled: enabled } });
}

// ───────────────────────────── the queue (used by the worker) ─────────────────────────────

/** Scheduled broadcasts whose time has come start sending; returns how many started. */
export async function startDueBroadcasts(db: Db, now: Date): Promise<number> {
  const { count } = await db.broadcast.updateMany({
    where: { status: "scheduled", scheduledFor: { lte: now } },
    data: { status: "sending", startedAt: now },
  });
  return count;
}

export interface ClaimedDelivery {
  id: number;
  broadcastId: number;
  personId: number;
  attempts: number;
}

/**
 * Claims up to `limit` deliveries of sending broadcasts for `workerId` in one statement. SQLite
 * runs one writer at a time, so two workers never claim the same row. Claims older than
 * `staleBefore` belong to a worker that died and are taken over.
 */
export async function claimDeliveries(
  db: Db,
  workerId: string,
  now: Date,
  staleBefore: Date,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const claimable = (table: string) => Prisma.sql`(
      (${Prisma.raw(table)}."status" = 'pending' AND (${Prisma.raw(table)}."nextAttemptAt" IS NULL OR ${Prisma.raw(table)}."nextAttemptAt" <= ${now}))
      OR (${Prisma.raw(table)}."status" = 'claimed' AND ${Prisma.raw(table)}."claimedAt" < ${staleBefore})
    )`;
  return db.$queryRaw<ClaimedDelivery[]>`
    UPDATE "BroadcastDelivery" SET "status" = 'claimed', "claimedBy" = ${workerId}, "claimedAt" = ${now}
    WHERE "id" IN (
      SELECT d."id" FROM "BroadcastDelivery" d JOIN "Broadcast" b ON b."id" = d."broadcastId"
      WHERE b."status" = 'sending' AND ${claimable("d")}
      ORDER BY d."id" LIMIT ${limit}
    ) AND ${claimable('"BroadcastDelivery"')}
    RETURNING "id", "broadcastId", "personId", "attempts"`;
}

export type DeliveryOutcome =
  | { status: "sent" }
  | { status: "blocked" | "excluded"; error?: string }
  | { status: "failed"; error: string }
  | { status: "retry"; error: string; at: Date; countsAsAttempt: boolean };

/** Records what happened to a claimed delivery; only the worker holding the claim may. */
export async function recordDelivery(
  db: Db,
  workerId: string,
  delivery: ClaimedDelivery,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<void> {
  const claim = { id: delivery.id, status: "claimed" as const, claimedBy: workerId };
  switch (outcome.status) {
    case "sent":
      await db.broadcastDelivery.updateMany({
        where: claim,
        data: { status: "sent", sentAt: now, attempts: { increment: 1 } },
      });
      return;
    case "blocked":
    case "excluded":
      await db.broadcastDelivery.updateMany({
        where: claim,
        data: { status: outcome.status, lastError: outcome.error ?? null },
      });
      return;
    case "failed":
      await db.broadcastDelivery.updateMany({
        where: claim,
        data: { status: "failed", lastError: outcome.error, attempts: { increment: 1 } },
      });
      return;
    case "retry":
      await db.broadcastDelivery.updateMany({
        where: claim,
        data: {
          status: "pending",
          lastError: outcome.error,
          nextAttemptAt: outcome.at,
          claimedBy: null,
          claimedAt: null,
          attempts: { increment: outcome.countsAsAttempt ? 1 : 0 },
        },
      });
      return;
  }
}

/** A stopping worker hands back what it claimed but did not send, so another takes it at once. */
export async function releaseClaims(db: Db, workerId: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.broadcastDelivery.updateMany({
    where: { id: { in: [...ids] }, status: "claimed", claimedBy: workerId },
    data: { status: "pending", claimedBy: null, claimedAt: null },
  });
}

/** Everything a worker still holds goes back to the queue (its stop ran out of time). */
export async function releaseAllClaims(db: Db, workerId: string): Promise<void> {
  await db.broadcastDelivery.updateMany({
    where: { status: "claimed", claimedBy: workerId },
    data: { status: "pending", claimedBy: null, claimedAt: null },
  });
}

export type DeliveryCounts = Record<DeliveryStatus, number>;

export async function deliveryCounts(db: Db, broadcastId: number): Promise<DeliveryCounts> {
  const groups = await db.broadcastDelivery.groupBy({ by: ["status"], where: { broadcastId }, _count: true });
  const counts: DeliveryCounts = { pending: 0, claimed: 0, sent: 0, blocked: 0, failed: 0, excluded: 0 };
  for (const group of groups) counts[group.status] = group._count;
  return counts;
}

/**
 * Marks a sending broadcast done once nothing is left to send. The update is conditional, so
 * of several workers exactly one sees `true` and sends the final report.
 */
export async function finishIfComplete(db: Db, broadcastId: number, now: Date): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "Broadcast" SET "status" = 'done', "finishedAt" = ${now}
    WHERE "id" = ${broadcastId} AND "status" = 'sending'
      AND NOT EXISTS (SELECT 1 FROM "BroadcastDelivery" WHERE "broadcastId" = ${broadcastId} AND "status" IN ('pending', 'claimed'))`;
  return count === 1;
}

/** Broadcasts that are sending, for the worker's final check. */
export async function sendingBroadcastIds(db: Db): Promise<number[]> {
  const rows = await db.broadcast.findMany({ where: { status: "sending" }, select: { id: true } });
  return rows.map((row) => row.id);
}

const textsSchema = z.record(z.string(), z.string());

/** Only the texts that differ from the fallback, and only in languages the bot speaks. */
function ownTexts(fallback: string, texts: Partial<Record<Language, string>>): Partial<Record<Language, string>> {
  return Object.fromEntries(
    LANGUAGES.filter((language) => language !== FALLBACK_LANGUAGE)
      .map((language) => [language, texts[language]] as const)
      .filter((entry): entry is readonly [Language, string] => entry[1] !== undefined && entry[1] !== fallback),
  );
}

/** The text a person gets: their language's, else the fallback (German) one. */
export function textFor(broadcast: Pick<Broadcast, "textDe" | "texts">, language: Language): string {
  const texts = textsSchema.safeParse(JSON.parse(broadcast.texts));
  return (texts.success ? texts.data[language] : undefined) ?? broadcast.textDe;
}

/** The languages of the people a broadcast would reach, in the order of LANGUAGES. */
export async function audienceLanguages(db: Db, actor: Actor, audience: Audience): Promise<Language[]> {
  assertRole(actor, "manager");
  const groups = await db.person.groupBy({ by: ["language"], where: { AND: [audienceWhere(audience), REACHABLE] } });
  const present = new Set(groups.map((group) => languageOf(group.language)));
  return LANGUAGES.filter((language) => present.has(language));
}

/**
 * Takes the progress message slot of a broadcast (so only one worker posts it); the caller then
 * sends the message and stores its id with `setProgressMessage`.
 */
export async function claimProgressMessage(db: Db, broadcastId: number): Promise<boolean> {
  const { count } = await db.broadcast.updateMany({
    where: { id: broadcastId, progressChatId: { not: null }, progressMessageId: null },
    data: { progressMessageId: 0 },
  });
  return count === 1;
}

export async function setProgressMessage(db: Db, broadcastId: number, messageId: number): Promise<void> {
  await db.broadcast.update({ where: { id: broadcastId }, data: { progressMessageId: messageId } });
}
