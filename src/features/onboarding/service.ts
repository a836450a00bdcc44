import { checkpointWal, type Db, type Prisma } from "../../db.js";
import type { Person, Role } from "../../generated/prisma/client.js";
import { languageOf, type Language } from "../../i18n.js";
import { conversationKeyForChat } from "../../bot/conversation-storage.js";
import type { Recipient } from "../courses/service.js";
import { backInQueue, endRunningSponsorships, type BackInQueue } from "../sponsorship/service.js";

export type PersonWithRoles = Person & { roles: Role[] };

export interface TelegramIdentity {
  telegramId: number;
  chatId: number;
  language: Language;
}

export interface TelegramNames {
  firstName: string;
  lastName: string | undefined;
  username: string | undefined;
}

export function hasConsented(person: Pick<Person, "consentAt">): boolean {
  return person.consentAt !== null;
}

/**
 * Finds the person behind a Telegram account or creates them with nothing but the Telegram id,
 * chat id and language. Admin ids from the configuration get the manager role at first contact.
 */
export async function findOrCreatePerson(db: Db, identity: TelegramIdentity, adminTelegramIds: readonly number[]): Promise<PersonWithRoles> {
  const telegramId = BigInt(identity.telegramId);
  const person =
    (await findPersonWithRoles(db, telegramId)) ??
    withRoleNames(
      await db.person.upsert({
        where: { telegramId },
        create: { telegramId, chatId: BigInt(identity.chatId), language: identity.language },
        update: {},
        include: { roles: true },
      }),
    );
  if (adminTelegramIds.includes(identity.telegramId) && !person.roles.includes("manager")) {
    await db.roleGrant.upsert({
      where: { personId_role: { personId: person.id, role: "manager" } },
      create: { personId: person.id, role: "manager" },
      update: {},
    });
    return { ...person, roles: [...person.roles, "manager"] };
  }
  return person;
}

/**
 * The person and their roles in one statement. This runs for every update, and a raw query costs
 * about a sixth of the CPU of Prisma's findUnique with `include` (two statements through the query
 * compiler; bench/README.md, "Responsiveness").
 */
async function findPersonWithRoles(db: Db, telegramId: bigint): Promise<PersonWithRoles | undefined> {
  const [row] = await db.$queryRaw<(Person & { roleNames: string })[]>`
    SELECT p.*, (SELECT json_group_array(r.role) FROM RoleGrant r WHERE r.personId = p.id) AS roleNames
    FROM Person p WHERE p.telegramId = ${telegramId}`;
  if (!row) return undefined;
  const { roleNames, ...person } = row;
  return { ...person, roles: JSON.parse(roleNames) as Role[] };
}

function withRoleNames<T extends { roles: { role: Role }[] }>(person: T): Omit<T, "roles"> & { roles: Role[] } {
  return { ...person, roles: person.roles.map((grant) => grant.role) };
}

export async function setLanguage(db: Db, personId: number, language: Language): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { language } });
}

export async function getLanguage(db: Db, personId: number): Promise<Language> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, select: { language: true } });
  return languageOf(person.language);
}

/** Consent given: from now on the person's Telegram names may be kept. */
export async function recordConsent(db: Db, personId: number, names: TelegramNames, now: Date): Promise<void> {
  await db.person.update({
    where: { id: personId },
    data: { consentAt: now, firstName: names.firstName, lastName: names.lastName ?? null, username: names.username ?? null },
  });
}

/** A person who writes again has evidently unblocked the bot. */
export async function clearBlocked(db: Db, personId: number): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { blockedAt: null } });
}

/** Telegram answered 403 for this chat: skip the person until they write again. */
export async function markBlockedByChat(db: Db, chatId: number, now: Date): Promise<void> {
  await db.person.updateMany({ where: { chatId: BigInt(chatId), blockedAt: null }, data: { blockedAt: now } });
}

/** Everything stored about a person, as plain JSON-ready data (for /mydata). */
export async function exportPersonData(db: Db, personId: number) {
  const person = await db.person.findUniqueOrThrow({
    where: { id: personId },
    include: {
      roles: { select: { role: true, createdAt: true } },
      enrollments: { include: { attendance: { select: { sessionId: true, status: true, markedAt: true } } } },
      rsvps: true,
      sponsorProfile: true,
      sponsorshipRequests: { include: { sponsorships: true } },
      reminders: { select: { kind: true, dueAt: true, sentAt: true, cancelledAt: true } },
      deliveries: { select: { broadcastId: true, status: true, sentAt: true } },
    },
  });
  const sponsorships = person.sponsorProfile
    ? await db.sponsorship.findMany({ where: { sponsorId: person.sponsorProfile.id } })
    : [];
  return toJsonSafe({ exportedFor: "Quartiersmanagement Belm", person, sponsorshipsAsSponsor: sponsorships });
}

function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner)));
}

export interface ErasureResult extends BackInQueue {
  /** The other side of each running sponsorship that ended. */
  otherSide: Recipient[];
}

/**
 * Erases a person's personal data. The person row stays as an anonymous shell without Telegram
 * id, names or contact so that attendance, enrollments and sign-ups still count in the tallies;
 * seats in courses and sign-ups for events that have not started are withdrawn, sign-ups of past
 * events keep their status, and pending reminders are dropped. Running sponsorships end; the
 * people on their other side are returned, to be told neutrally, and the families' requests that
 * went back into the queue with the managers to tell. The next message from the same Telegram
 * account starts a fresh person. With `stillDue` (the automatic erasure), the erasure happens only
 * when it holds inside the same transaction, and `undefined` means it did not.
 */
export async function erasePersonData(db: Db, personId: number, now: Date): Promise<ErasureResult>;
export async function erasePersonData(db: Db, personId: number, now: Date, stillDue: (tx: Prisma.TransactionClient) => Promise<boolean>): Promise<ErasureResult | undefined>;
export async function erasePersonData(db: Db, personId: number, now: Date, stillDue?: (tx: Prisma.TransactionClient) => Promise<boolean>): Promise<ErasureResult | undefined> {
  const result = await db.$transaction(async (tx) => {
    if (stillDue && !(await stillDue(tx))) return undefined;
    const person = await tx.person.findUniqueOrThrow({ where: { id: personId } });
    if (person.chatId !== null) {
      await tx.conversationState.deleteMany({ where: { key: conversationKeyForChat(person.chatId) } });
    }
    await tx.roleGrant.deleteMany({ where: { personId } });
    await tx.reminder.deleteMany({ where: { personId, sentAt: null } });
    await tx.enrollment.updateMany({ where: { personId, status: { in: ["active", "waitlisted"] } }, data: { status: "withdrawn", endedAt: now } });
    await tx.enrollment.updateMany({ where: { personId }, data: { fullName: null, phone: null } });
    // Only sign-ups of events still ahead are cancelled: past ones are history the figures of their month rest on.
    await tx.rsvp.updateMany({
      where: { personId, status: { in: ["going", "waitlisted"] }, checkedInAt: null, event: { startsAt: { gt: now } } },
      data: { status: "cancelled" },
    });
    await tx.sponsorshipRequest.updateMany({
      where: { personId },
      data: { note: null, childrenAges: null, contactTimes: null, familySize: null, district: null, phone: null },
    });
    await tx.sponsorshipRequest.updateMany({ where: { personId, status: { in: ["open", "matched"] } }, data: { status: "withdrawn", closedAt: now } });
    await tx.sponsorProfile.updateMany({ where: { personId }, data: { about: null, districts: "[]", phone: null, status: "withdrawn" } });
    // Families of an erased sponsor get their request back in the queue; sponsors of an erased family are free again.
    const asSponsor = await endRunningSponsorships(tx, { sponsor: { personId } }, "data_erased", now, true);
    const asFamily = await endRunningSponsorships(tx, { request: { personId } }, "data_erased", now, false);
    const otherSide = [...asSponsor.map((ended) => ({ ...ended, other: ended.family })), ...asFamily.map((ended) => ({ ...ended, other: ended.sponsor }))]
      .filter((ended) => ended.wasActive && ended.other.personId !== personId)
      .map((ended) => ended.other);
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
    return { otherSide, ...(await backInQueue(tx, asSponsor)) };
  });
  if (result) await checkpointWal(db);
  return result;
}
