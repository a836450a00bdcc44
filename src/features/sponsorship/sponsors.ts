import type { Db } from "../../db.js";
import type { SponsorProfile } from "../../generated/prisma/client.js";
import { nameOf } from "../../people/names.js";
import { recipientOf, type Recipient } from "../../people/recipient.js";
import { assertRole, type Actor } from "../../people/roles.js";
import { managerRecipients } from "../team/service.js";
import { sponsorView, type SponsorInput, type SponsorView } from "./model.js";
import { backInQueue, endRunningSponsorships, type BackInQueue } from "./requests.js";

/** Volunteers: sign-up, the managers' approval, pausing and withdrawing. */

export async function getSponsorProfile(db: Db, personId: number): Promise<SponsorView | undefined> {
  const profile = await db.sponsorProfile.findUnique({ where: { personId } });
  return profile ? sponsorView(profile) : undefined;
}

/** What the sign-up form starts from: the person's language and home district, and the answers given before. */
export interface SignupStart {
  language: string;
  homeDistrict: string | null;
  profile: Pick<SponsorView, "languages" | "areas" | "districts" | "availability"> | undefined;
}

export async function signupStart(db: Db, personId: number): Promise<SignupStart> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, include: { sponsorProfile: true } });
  const profile = person.sponsorProfile ? sponsorView(person.sponsorProfile) : undefined;
  return {
    language: person.language,
    homeDistrict: person.district,
    profile: profile && {
      languages: profile.languages,
      areas: profile.areas,
      districts: profile.districts,
      availability: profile.availability,
    },
  };
}

export type SubmitResult = { outcome: "submitted"; profileId: number; managers: Recipient[] } | { outcome: "updated" };

/**
 * Saves the volunteer's answers. A new (or previously declined or withdrawn) volunteer waits for
 * a manager's approval; an active or paused sponsor who edits keeps their status.
 */
export async function submitSponsorProfile(
  db: Db,
  personId: number,
  input: SponsorInput,
  now: Date,
): Promise<SubmitResult> {
  return db.$transaction(async (tx) => {
    const data = {
      languages: JSON.stringify(input.languages),
      areas: JSON.stringify(input.areas),
      districts: JSON.stringify(input.districts),
      availability: JSON.stringify(input.availability),
      maxFamilies: input.maxFamilies,
      about: input.about ?? null,
      shareContact: input.phone !== undefined,
      phone: input.phone ?? null,
    };
    if (input.homeDistrict !== undefined)
      await tx.person.update({ where: { id: personId }, data: { district: input.homeDistrict } });
    const existing = await tx.sponsorProfile.findUnique({ where: { personId } });
    if (existing && (existing.status === "active" || existing.status === "paused")) {
      await tx.sponsorProfile.update({ where: { id: existing.id }, data });
      return { outcome: "updated" };
    }
    const profile = await tx.sponsorProfile.upsert({
      where: { personId },
      create: { personId, ...data, status: "pending", createdAt: now },
      update: { ...data, status: "pending", decidedAt: null },
    });
    return { outcome: "submitted", profileId: profile.id, managers: await managerRecipients(tx) };
  });
}

export type DecideResult = { outcome: "decided"; volunteer: Recipient } | { outcome: "not_pending" };

/** A manager approves or declines a pending volunteer. */
export async function decideSponsor(
  db: Db,
  actor: Actor,
  profileId: number,
  decision: "approve" | "decline",
  now: Date,
): Promise<DecideResult> {
  assertRole(actor, "manager");
  const status = decision === "approve" ? "active" : "declined";
  const changed = await db.sponsorProfile.updateMany({
    where: { id: profileId, status: "pending" },
    data: { status, decidedAt: now },
  });
  if (changed.count === 0) return { outcome: "not_pending" };
  const profile = await db.sponsorProfile.findUniqueOrThrow({ where: { id: profileId }, include: { person: true } });
  return { outcome: "decided", volunteer: recipientOf(profile.person) };
}

/** Volunteers waiting for a decision, oldest first. */
export async function pendingSponsors(db: Db, actor: Actor) {
  assertRole(actor, "manager");
  const profiles = await db.sponsorProfile.findMany({
    where: { status: "pending" },
    include: { person: true },
    orderBy: { createdAt: "asc" },
  });
  return profiles.map((profile) => ({ ...sponsorView(profile), name: nameOf(profile.person) }));
}

export type SponsorChange = "pause" | "resume" | "withdraw";

export type SponsorChangeResult =
  ({ outcome: "changed"; families: Recipient[] } & BackInQueue) | { outcome: "not_possible" };

const allowedFrom: Record<SponsorChange, SponsorProfile["status"][]> = {
  pause: ["active"],
  resume: ["paused"],
  withdraw: ["pending", "active", "paused"],
};
const statusAfter = { pause: "paused", resume: "active", withdraw: "withdrawn" } as const;

/**
 * The sponsor pauses (no new suggestions; running sponsorships go on), resumes, or withdraws.
 * Withdrawing ends running sponsorships and offers; the families' requests open again, and the
 * families and managers are told.
 */
export async function changeSponsorStatus(
  db: Db,
  personId: number,
  change: SponsorChange,
  now: Date,
): Promise<SponsorChangeResult> {
  return db.$transaction(async (tx) => {
    const profile = await tx.sponsorProfile.findUnique({ where: { personId } });
    if (!profile || !allowedFrom[change].includes(profile.status)) return { outcome: "not_possible" };
    await tx.sponsorProfile.update({ where: { id: profile.id }, data: { status: statusAfter[change] } });
    if (change !== "withdraw") return { outcome: "changed", families: [], requestIds: [], managers: [] };
    const ended = await endRunningSponsorships(tx, { sponsorId: profile.id }, "sponsor_withdrew", now, true);
    return {
      outcome: "changed",
      families: ended.filter((end) => end.wasActive).map((end) => end.family),
      ...(await backInQueue(tx, ended)),
    };
  });
}
