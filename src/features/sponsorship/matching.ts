import type { Db, Prisma } from "../../db.js";
import type { Person } from "../../generated/prisma/client.js";
import { nameOf } from "../../people/names.js";
import { recipientOf, type Recipient } from "../../people/recipient.js";
import { assertRole, type Actor } from "../../people/roles.js";
import { managerRecipients } from "../team/service.js";
import {
  DAY_MS,
  OFFER_TIMEOUT_MS,
  RUNNING,
  SPONSOR_LANGUAGES,
  SPONSOR_TIMEOUT_SUFFIX,
  requestView,
  sponsorView,
  waitingSince,
  type RequestView,
} from "./model.js";
import { rankCandidates, type Candidate, type Need } from "./ranking.js";

/** Managers' side of matching: the queue of open requests, suggestions, offers and the sponsor's answer. */

type Tx = Prisma.TransactionClient;

export interface QueuedRequest extends RequestView {
  waitingDays: number;
  /** True while a sponsor has an unanswered offer for it. */
  offerPending: boolean;
}

/**
 * Open requests in the order they were made (a family put back into the queue keeps its place),
 * with how long they have waited since they (last) entered the queue.
 */
export async function openRequests(db: Db, actor: Actor, now: Date): Promise<QueuedRequest[]> {
  assertRole(actor, "manager");
  return queuedRequests(db, {}, now);
}

/** One open request as the queue shows it; undefined when it is no longer open. */
export async function getOpenRequest(
  db: Db,
  actor: Actor,
  requestId: number,
  now: Date,
): Promise<QueuedRequest | undefined> {
  assertRole(actor, "manager");
  const [queued] = await queuedRequests(db, { id: requestId }, now);
  return queued;
}

async function queuedRequests(db: Db, where: Prisma.SponsorshipRequestWhereInput, now: Date): Promise<QueuedRequest[]> {
  const requests = await db.sponsorshipRequest.findMany({
    where: { ...where, status: "open" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      sponsorships: {
        where: { OR: [{ status: "proposed" }, { startedAt: { not: null } }] },
        select: { id: true, status: true, startedAt: true, endedAt: true },
      },
    },
  });
  return requests.map((request) => ({
    ...requestView(request),
    waitingDays: Math.floor(
      (now.getTime() - waitingSince(request.createdAt, request.sponsorships, now).getTime()) / DAY_MS,
    ),
    offerPending: request.sponsorships.some((sponsorship) => sponsorship.status === "proposed"),
  }));
}

export interface Suggestion extends Candidate {
  name: string;
  score: number;
}

async function activeCandidates(db: Db): Promise<(Candidate & { name: string })[]> {
  const profiles = await db.sponsorProfile.findMany({
    where: { status: "active", person: { erasedAt: null } },
    include: { person: true, _count: { select: { sponsorships: { where: { status: { in: [...RUNNING] } } } } } },
  });
  return profiles.map((profile) => {
    const view = sponsorView(profile);
    return {
      profileId: profile.id,
      name: nameOf(profile.person),
      languages: view.languages,
      areas: view.areas,
      districts: view.districts,
      availability: view.availability,
      maxFamilies: profile.maxFamilies,
      currentFamilies: profile._count.sponsorships,
    };
  });
}

function needOf(view: RequestView): Need {
  return {
    languages: view.languages,
    areas: view.areas,
    district: view.request.district,
    contactTimes: view.contactTimes,
  };
}

/**
 * Active sponsors for an open request, best first (see `scoreCandidate`). With `anyLanguage`
 * the manager looks at every active sponsor with a free place, whatever their languages.
 */
export async function suggestSponsors(
  db: Db,
  actor: Actor,
  requestId: number,
  options: { anyLanguage?: boolean } = {},
): Promise<Suggestion[] | undefined> {
  assertRole(actor, "manager");
  const request = await db.sponsorshipRequest.findFirst({ where: { id: requestId, status: "open" } });
  if (!request) return undefined;
  const need = needOf(requestView(request));
  const candidates = await activeCandidates(db);
  if (!options.anyLanguage) return rankCandidates(need, candidates);
  return rankCandidates(
    { ...need, languages: SPONSOR_LANGUAGES },
    candidates.map((candidate) => ({ ...candidate, languages: SPONSOR_LANGUAGES })),
  );
}

export type ProposeResult =
  | { outcome: "proposed"; sponsorshipId: number; sponsor: Recipient; offer: RequestView }
  | { outcome: "request_gone" | "offer_pending" | "sponsor_unavailable" };

/**
 * The manager offers the request to one sponsor. The sponsor must be active with a free place,
 * the request open without another unanswered offer. Reminder rows tell the manager and the
 * sponsor when the sponsor has not answered after 72 hours.
 */
export async function proposeSponsor(
  db: Db,
  actor: Actor,
  requestId: number,
  profileId: number,
  now: Date,
): Promise<ProposeResult> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const request = await tx.sponsorshipRequest.findFirst({ where: { id: requestId, status: "open" } });
    if (!request) return { outcome: "request_gone" };
    if ((await tx.sponsorship.count({ where: { requestId, status: "proposed" } })) > 0)
      return { outcome: "offer_pending" };
    const profile = await tx.sponsorProfile.findFirst({
      where: { id: profileId, status: "active", person: { erasedAt: null } },
      include: { person: true },
    });
    if (!profile) return { outcome: "sponsor_unavailable" };
    const load = await tx.sponsorship.count({ where: { sponsorId: profileId, status: { in: [...RUNNING] } } });
    if (load >= profile.maxFamilies) return { outcome: "sponsor_unavailable" };
    const sponsorship = await tx.sponsorship.create({ data: { requestId, sponsorId: profileId, proposedAt: now } });
    // One time-out row for the manager (pick again) and one for the sponsor (the offer is over).
    const dueAt = new Date(now.getTime() + OFFER_TIMEOUT_MS);
    await tx.reminder.createMany({
      data: [
        {
          kind: "sponsorship_offer_timeout",
          dedupeKey: `sponsorship_offer_timeout:sponsorship:${sponsorship.id}`,
          personId: actor.id,
          dueAt,
          sponsorshipId: sponsorship.id,
        },
        {
          kind: "sponsorship_offer_timeout",
          dedupeKey: `sponsorship_offer_timeout:sponsorship:${sponsorship.id}${SPONSOR_TIMEOUT_SUFFIX}`,
          personId: profile.personId,
          dueAt,
          sponsorshipId: sponsorship.id,
        },
      ],
    });
    return {
      outcome: "proposed",
      sponsorshipId: sponsorship.id,
      sponsor: recipientOf(profile.person),
      offer: requestView(request),
    };
  });
}

/** What one side learns about the other once the sponsor accepted. */
export interface Introduction {
  recipient: Recipient;
  otherName: string;
  otherUsername: string | null;
  otherPhone: string | null;
}

export type OfferAnswerResult =
  | {
      outcome: "accepted";
      sponsorshipId: number;
      toSponsor: Introduction;
      toFamily: Introduction;
      request: RequestView;
    }
  | { outcome: "declined"; requestId: number; managers: Recipient[] }
  | { outcome: "gone" };

/** The sponsor answers an offer. Only the sponsor it was made to, and only while it is open. */
export async function answerOffer(
  db: Db,
  personId: number,
  sponsorshipId: number,
  answer: "accept" | "decline",
  now: Date,
): Promise<OfferAnswerResult> {
  return db.$transaction(async (tx) => {
    const sponsorship = await tx.sponsorship.findFirst({
      where: {
        id: sponsorshipId,
        status: "proposed",
        sponsor: { personId, status: "active" },
        request: { status: "open" },
      },
      include: { request: { include: { person: true } }, sponsor: { include: { person: true } } },
    });
    if (!sponsorship) return { outcome: "gone" };
    await tx.reminder.updateMany({
      where: { sponsorshipId, kind: "sponsorship_offer_timeout", sentAt: null, cancelledAt: null },
      data: { cancelledAt: now },
    });
    if (answer === "decline") {
      await tx.sponsorship.update({ where: { id: sponsorshipId }, data: { status: "declined", respondedAt: now } });
      return { outcome: "declined", requestId: sponsorship.requestId, managers: await managerRecipients(tx) };
    }
    await tx.sponsorship.update({
      where: { id: sponsorshipId },
      data: { status: "active", respondedAt: now, startedAt: now },
    });
    await tx.sponsorshipRequest.update({
      where: { id: sponsorship.requestId },
      data: { status: "matched", matchedAt: now },
    });
    const family = sponsorship.request.person;
    const sponsor = sponsorship.sponsor.person;
    return {
      outcome: "accepted",
      sponsorshipId,
      toSponsor: introduce(sponsor, family, sponsorship.request.shareContact ? sponsorship.request.phone : null),
      toFamily: introduce(family, sponsor, sponsorship.sponsor.shareContact ? sponsorship.sponsor.phone : null),
      request: requestView(sponsorship.request),
    };
  });
}

/** `otherPhone`: the phone the other side gave for this role (sponsor profile or family request), if shared. */
function introduce(to: Person, other: Person, otherPhone: string | null): Introduction {
  return { recipient: recipientOf(to), otherName: other.firstName ?? "", otherUsername: other.username, otherPhone };
}

/**
 * An offer nobody answered in time becomes `expired`. Idempotent: returns true when the offer is
 * (now or already) expired without an answer, false when the sponsor did answer.
 */
export async function expireOffer(db: Db | Tx, sponsorshipId: number, now: Date): Promise<boolean> {
  await db.sponsorship.updateMany({
    where: { id: sponsorshipId, status: "proposed" },
    data: { status: "expired", respondedAt: now },
  });
  return (await db.sponsorship.count({ where: { id: sponsorshipId, status: "expired" } })) > 0;
}
