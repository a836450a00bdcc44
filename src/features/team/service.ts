import type { Db, Prisma } from "../../db.js";
import type { Role } from "../../generated/prisma/client.js";
import { assertRole, type Actor } from "../../people/roles.js";
import { nameOf } from "../../people/names.js";
import { recipientOf, type Recipient } from "../../people/recipient.js";

export const GRANTABLE_ROLES = ["instructor", "manager"] as const satisfies readonly Role[];

export interface StaffGrant {
  grantId: number;
  personId: number;
  name: string;
  role: Role;
}

/** The office's managers who can be told about something: consenting, not erased. */
export async function managerRecipients(db: Db | Prisma.TransactionClient): Promise<Recipient[]> {
  const managers = await db.person.findMany({
    where: { roles: { some: { role: "manager" } }, consentAt: { not: null }, erasedAt: null },
  });
  return managers.map(recipientOf);
}

/** Everyone holding a role, managers first. */
export async function listStaff(db: Db, actor: Actor): Promise<StaffGrant[]> {
  assertRole(actor, "manager");
  const grants = await db.roleGrant.findMany({
    where: { person: { erasedAt: null } },
    include: { person: true },
    orderBy: [{ role: "desc" }, { createdAt: "asc" }],
  });
  return grants.map((grant) => ({
    grantId: grant.id,
    personId: grant.personId,
    name: nameOf(grant.person),
    role: grant.role,
  }));
}

/**
 * The person behind "@username" or a numeric Telegram id, if they started the bot and consented
 * (roles are personal data in use, so they need consent like everything else).
 */
export async function findConsentingPerson(db: Db, handle: { username: string } | { telegramId: bigint }) {
  const where = "username" in handle ? { username: handle.username } : { telegramId: handle.telegramId };
  const person = await db.person.findFirst({ where: { ...where, consentAt: { not: null }, erasedAt: null } });
  return person ? { id: person.id, name: nameOf(person) } : undefined;
}

export type GrantResult =
  { outcome: "granted"; recipient: Recipient } | { outcome: "already" } | { outcome: "not_found" };

export async function grantRole(db: Db, actor: Actor, personId: number, role: Role): Promise<GrantResult> {
  assertRole(actor, "manager");
  const person = await db.person.findFirst({ where: { id: personId, consentAt: { not: null }, erasedAt: null } });
  if (!person) return { outcome: "not_found" };
  const existing = await db.roleGrant.findUnique({ where: { personId_role: { personId, role } } });
  if (existing) return { outcome: "already" };
  await db.roleGrant.create({ data: { personId, role, grantedById: actor.id } });
  return { outcome: "granted", recipient: recipientOf(person) };
}

export type RevokeResult =
  { outcome: "revoked"; role: Role; recipient: Recipient } | { outcome: "own_manager_role" } | { outcome: "not_found" };

/** Takes a role back; a manager cannot take away their own manager role (nobody would be left to undo it). */
export async function revokeRole(db: Db, actor: Actor, grantId: number): Promise<RevokeResult> {
  assertRole(actor, "manager");
  const grant = await db.roleGrant.findUnique({ where: { id: grantId }, include: { person: true } });
  if (!grant) return { outcome: "not_found" };
  if (grant.personId === actor.id && grant.role === "manager") return { outcome: "own_manager_role" };
  await db.roleGrant.delete({ where: { id: grantId } });
  return { outcome: "revoked", role: grant.role, recipient: recipientOf(grant.person) };
}
