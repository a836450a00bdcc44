import { checkpointWal, type Db, type Prisma } from "../db.js";
import { eraseEnrollments } from "../features/courses/service.js";
import { cancelComingSignUps } from "../features/events/service.js";
import { eraseSponsorshipData, type SponsorshipErasure } from "../features/sponsorship/service.js";

type Tx = Prisma.TransactionClient;

/** What the caller tells after an erasure (see `SponsorshipErasure`). */
export type ErasureResult = SponsorshipErasure;

/**
 * Erases a person's personal data (/deleteme, and the retention job for people who stopped using
 * the bot). The person row stays as an anonymous shell without Telegram id, names or contact so
 * that attendance, enrollments and sign-ups still count in the tallies; seats in courses and
 * sign-ups for events that have not started are withdrawn, sign-ups of past events keep their
 * status, and pending reminders are dropped. Running sponsorships end; the people on their other
 * side are returned, to be told neutrally, and the families' requests that went back into the
 * queue with the managers to tell. The next message from the same Telegram account starts a fresh
 * person. With `stillDue` (the automatic erasure), the erasure happens only when it holds inside
 * the same transaction, and `undefined` means it did not.
 *
 * Each feature erases its own data in the one transaction; this is the order they run in.
 */
export async function erasePersonData(db: Db, personId: number, now: Date): Promise<ErasureResult>;
export async function erasePersonData(
  db: Db,
  personId: number,
  now: Date,
  stillDue: (tx: Tx) => Promise<boolean>,
): Promise<ErasureResult | undefined>;
export async function erasePersonData(
  db: Db,
  personId: number,
  now: Date,
  stillDue?: (tx: Tx) => Promise<boolean>,
): Promise<ErasureResult | undefined> {
  const result = await db.$transaction(async (tx) => {
    if (stillDue && !(await stillDue(tx))) return undefined;
    const person = await tx.person.findUniqueOrThrow({ where: { id: personId }, select: { chatId: true } });
    if (person.chatId !== null) await forgetConversation(tx, person.chatId);
    await tx.roleGrant.deleteMany({ where: { personId } });
    await tx.reminder.deleteMany({ where: { personId, sentAt: null } });
    await eraseEnrollments(tx, personId, now);
    await cancelComingSignUps(tx, personId, now);
    const sponsorship = await eraseSponsorshipData(tx, personId, now);
    await anonymise(tx, personId, now);
    return sponsorship;
  });
  if (result) await checkpointWal(db);
  return result;
}

/**
 * A conversation in progress holds what the person typed. The conversations plugin keys a
 * private chat's state by its chat id (its default storage key).
 */
async function forgetConversation(tx: Tx, chatId: bigint): Promise<void> {
  await tx.conversationState.deleteMany({ where: { key: String(chatId) } });
}

/** The person row becomes an anonymous shell; the Telegram account is free for a fresh start. */
async function anonymise(tx: Tx, personId: number, now: Date): Promise<void> {
  await tx.person.update({
    where: { id: personId },
    data: {
      telegramId: null,
      chatId: null,
      firstName: null,
      lastName: null,
      username: null,
      phone: null,
      district: null,
      consentAt: null,
      blockedAt: null,
      erasedAt: now,
      language: "de",
    },
  });
}
