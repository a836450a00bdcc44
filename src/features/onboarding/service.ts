import type { Db } from "../../db.js";
import type { Person, Role } from "../../generated/prisma/client.js";
import { languageOf, type Language } from "../../i18n.js";

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
export async function findOrCreatePerson(
  db: Db,
  identity: TelegramIdentity,
  adminTelegramIds: readonly number[],
): Promise<PersonWithRoles> {
  const telegramId = BigInt(identity.telegramId);
  const person = (await findPersonWithRoles(db, telegramId)) ?? (await createPerson(db, identity));
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

/**
 * A first contact: the Telegram id, chat and language, nothing else. Raw, like the lookup: a flood
 * from hundreds of new accounts creates hundreds of people, and Prisma's upsert is a transaction
 * of several compiled statements. Two first updates of one person at once both end up with the row.
 */
async function createPerson(db: Db, identity: TelegramIdentity): Promise<PersonWithRoles> {
  const telegramId = BigInt(identity.telegramId);
  const now = new Date();
  await db.$executeRaw`
    INSERT INTO "Person" ("telegramId", "chatId", "language", "createdAt", "updatedAt")
    VALUES (${telegramId}, ${BigInt(identity.chatId)}, ${identity.language}, ${now}, ${now})
    ON CONFLICT ("telegramId") DO NOTHING`;
  const created = await findPersonWithRoles(db, telegramId);
  if (!created) throw new Error(`person with Telegram id ${identity.telegramId} vanished right after it was created`);
  return created;
}

export async function setLanguage(db: Db, personId: number, language: Language): Promise<void> {
  await db.person.update({ where: { id: personId }, data: { language } });
}

export async function getLanguage(db: Db, personId: number): Promise<Language> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, select: { language: true } });
  return languageOf(person.language);
}

/** The language saved for a Telegram account, if the bot knows the account. */
export async function savedLanguage(db: Db, telegramId: number): Promise<Language | undefined> {
  // Raw: asked once per flooding sender, when hundreds may flood at once.
  const [person] = await db.$queryRaw<
    { language: string }[]
  >`SELECT "language" FROM "Person" WHERE "telegramId" = ${BigInt(telegramId)}`;
  return person ? languageOf(person.language) : undefined;
}

/** Consent given: from now on the person's Telegram names may be kept. */
export async function recordConsent(db: Db, personId: number, names: TelegramNames, now: Date): Promise<void> {
  await db.person.update({
    where: { id: personId },
    data: {
      consentAt: now,
      firstName: names.firstName,
      lastName: names.lastName ?? null,
      username: names.username ?? null,
    },
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
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner)),
  );
}
