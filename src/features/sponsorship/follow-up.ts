import type { Db } from "../../db.js";
import type { SponsorProfile, Sponsorship } from "../../generated/prisma/client.js";
import { nameOf } from "../../people/names.js";
import type { Recipient } from "../../people/recipient.js";
import { assertRole, type Actor } from "../../people/roles.js";
import { managerRecipients } from "../team/service.js";
import { DAY_MS, waitingSince } from "./model.js";
import { endRunningSponsorships } from "./requests.js";

/** After the match: the sponsor's check-ins, and the figures managers steer by. */

export const CHECKIN_ANSWERS = ["fine", "help", "ended"] as const;
export type CheckinAnswer = (typeof CHECKIN_ANSWERS)[number];

export type CheckinResult =
  | { outcome: "fine" }
  | { outcome: "help"; managers: Recipient[]; requestId: number }
  | { outcome: "ended"; family: Recipient; managers: Recipient[] }
  | { outcome: "gone" };

/** The sponsor answers "How is it going?"; "ended" closes the sponsorship and the request. */
export async function recordCheckin(
  db: Db,
  personId: number,
  sponsorshipId: number,
  answer: CheckinAnswer,
  now: Date,
): Promise<CheckinResult> {
  return db.$transaction(async (tx) => {
    const sponsorship = await tx.sponsorship.findFirst({
      where: { id: sponsorshipId, status: "active", sponsor: { personId } },
    });
    if (!sponsorship) return { outcome: "gone" };
    if (answer === "fine") return { outcome: "fine" };
    if (answer === "help")
      return { outcome: "help", managers: await managerRecipients(tx), requestId: sponsorship.requestId };
    const [ended] = await endRunningSponsorships(tx, { id: sponsorshipId }, "ended_by_sponsor", now, false);
    await tx.sponsorshipRequest.update({
      where: { id: sponsorship.requestId },
      data: { status: "closed", closedAt: now },
    });
    if (!ended) return { outcome: "gone" };
    return { outcome: "ended", family: ended.family, managers: await managerRecipients(tx) };
  });
}

// ───────────────────────────── overview ─────────────────────────────

export interface SponsorshipOverview {
  activeSponsorships: number;
  openRequests: number;
  /** Median days a request waited for each of its matches, over all matches ever; undefined with none. */
  medianDaysToMatch: number | undefined;
  sponsors: { name: string; status: SponsorProfile["status"]; families: number; maxFamilies: number }[];
}

/** The figures managers steer by: active sponsorships, the queue, sponsors' loads. */
export async function sponsorshipOverview(db: Db, actor: Actor): Promise<SponsorshipOverview> {
  assertRole(actor, "manager");
  const [activeSponsorships, openCount, matched, profiles] = await Promise.all([
    db.sponsorship.count({ where: { status: "active" } }),
    db.sponsorshipRequest.count({ where: { status: "open" } }),
    db.sponsorshipRequest.findMany({
      where: { sponsorships: { some: { startedAt: { not: null } } } },
      select: {
        createdAt: true,
        sponsorships: { where: { startedAt: { not: null } }, select: { id: true, startedAt: true, endedAt: true } },
      },
    }),
    db.sponsorProfile.findMany({
      where: { status: { in: ["active", "paused"] } },
      include: { person: true, _count: { select: { sponsorships: { where: { status: "active" } } } } },
      orderBy: { id: "asc" },
    }),
  ]);
  const days = matched.flatMap((request) =>
    request.sponsorships.map((match) => {
      const startedAt = match.startedAt ?? request.createdAt;
      return (
        (startedAt.getTime() - waitingSince(request.createdAt, request.sponsorships, startedAt, match.id).getTime()) /
        DAY_MS
      );
    }),
  );
  return {
    activeSponsorships,
    openRequests: openCount,
    medianDaysToMatch: median(days),
    sponsors: profiles.map((profile) => ({
      name: nameOf(profile.person),
      status: profile.status,
      families: profile._count.sponsorships,
      maxFamilies: profile.maxFamilies,
    })),
  };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** A sponsor's active sponsorships, for their own overview. */
export async function activeSponsorshipsOf(db: Db, personId: number): Promise<Sponsorship[]> {
  return db.sponsorship.findMany({ where: { status: "active", sponsor: { personId } }, orderBy: { startedAt: "asc" } });
}
