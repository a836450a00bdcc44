import type { Db, Prisma } from "../../db.js";
import type { Person, SponsorProfile, Sponsorship, SponsorshipRequest } from "../../generated/prisma/client.js";
import { assertRole, type Actor } from "../onboarding/roles.js";
import { recipientOf, type Recipient } from "../courses/service.js";
import { managerRecipients, nameOf } from "../team/service.js";

/**
 * Citizen sponsorships (Patenschaften): volunteers sign up and are approved, residents ask for a
 * sponsor, managers match them, the sponsor accepts or declines, and check-ins keep the office
 * in touch. Lists (languages, areas, districts, times) are stored as JSON arrays of codes.
 */

type Tx = Prisma.TransactionClient;

export const SPONSOR_LANGUAGES = ["de", "ru", "uk", "en", "other"] as const;
export const HELP_AREAS = ["authorities", "language", "homework", "jobs", "housing", "leisure"] as const;
/** The villages of the municipality of Belm. */
export const DISTRICTS = ["belm", "vehrte", "icker", "powe", "haltern"] as const;
export const TIMES = ["weekday", "evening", "weekend"] as const;
export const MAX_FAMILIES = 5;
/** A sponsor who neither accepts nor declines within this time is taken as a "no". */
export const OFFER_TIMEOUT_MS = 72 * 60 * 60_000;
/** Ends the dedupe key of the offer time-out row that goes to the sponsor (the other goes to the manager). */
export const SPONSOR_TIMEOUT_SUFFIX = ":sponsor";

export type SponsorLanguage = (typeof SPONSOR_LANGUAGES)[number];
export type HelpArea = (typeof HELP_AREAS)[number];
export type District = (typeof DISTRICTS)[number];
export type Time = (typeof TIMES)[number];

export interface SponsorInput {
  languages: SponsorLanguage[];
  areas: HelpArea[];
  districts: District[];
  availability: Time[];
  maxFamilies: number;
  about: string | undefined;
  /** The phone to give the family after a match; undefined: only the Telegram username. */
  phone: string | undefined;
  /** Where the volunteer lives (Person.district, for announcements by district); undefined: leave as it is. */
  homeDistrict?: District | undefined;
}

export interface RequestInput {
  areas: HelpArea[];
  languages: SponsorLanguage[];
  district: District;
  familySize: number | undefined;
  childrenAges: string | undefined;
  contactTimes: Time[];
  note: string | undefined;
  phone: string | undefined;
}

/** A list column, read back; codes this version does not know are dropped. */
export function readList<T extends string>(json: string | null, allowed: readonly T[]): T[] {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? allowed.filter((code) => parsed.includes(code)) : [];
  } catch {
    return [];
  }
}


// ───────────────────────────── ranking ─────────────────────────────

/** What the ranking needs to know about a sponsor. */
export interface Candidate {
  profileId: number;
  languages: readonly string[];
  areas: readonly string[];
  districts: readonly string[];
  availability: readonly string[];
  maxFamilies: number;
  /** Active sponsorships and open offers. */
  currentFamilies: number;
}

export interface Need {
  languages: readonly string[];
  areas: readonly string[];
  district: string | null;
  contactTimes: readonly string[];
}

export const SCORE_WEIGHTS = { area: 4, district: 3, time: 2, freePlace: 1 } as const;
/** Free places count up to this many, so a sponsor with room for five does not outrank a good fit. */
const FREE_PLACES_COUNTED = 2;

/**
 * The fit of a sponsor for a request, or undefined when the sponsor cannot be suggested:
 * no shared language, or no free place. Otherwise
 *   4 × (areas of help in common) + 3 × (sponsor covers the family's district)
 *   + 2 × (at least one common time of week) + 1 × (free places, at most 2).
 * Equal scores are ordered by fewer current families, then by who signed up first
 * (see `rankCandidates`).
 */
export function scoreCandidate(need: Need, candidate: Candidate): number | undefined {
  if (!need.languages.some((language) => candidate.languages.includes(language))) return undefined;
  const free = candidate.maxFamilies - candidate.currentFamilies;
  if (free <= 0) return undefined;
  const areas = need.areas.filter((area) => candidate.areas.includes(area)).length;
  const district = need.district !== null && candidate.districts.includes(need.district) ? 1 : 0;
  const time = need.contactTimes.some((time) => candidate.availability.includes(time)) ? 1 : 0;
  return (
    SCORE_WEIGHTS.area * areas +
    SCORE_WEIGHTS.district * district +
    SCORE_WEIGHTS.time * time +
    SCORE_WEIGHTS.freePlace * Math.min(free, FREE_PLACES_COUNTED)
  );
}

/** Suggestable candidates, best first: score, then fewer current families, then earlier sign-up. */
export function rankCandidates<C extends Candidate>(need: Need, candidates: readonly C[]): (C & { score: number })[] {
  return candidates
    .map((candidate) => ({ ...candidate, score: scoreCandidate(need, candidate) }))
    .filter((candidate): candidate is C & { score: number } => candidate.score !== undefined)
    .sort((a, b) => b.score - a.score || a.currentFamilies - b.currentFamilies || a.profileId - b.profileId);
}

// ───────────────────────────── sponsors ─────────────────────────────

const RUNNING = ["proposed", "active"] as const;

export interface SponsorView {
  profile: SponsorProfile;
  languages: SponsorLanguage[];
  areas: HelpArea[];
  districts: District[];
  availability: Time[];
}

export function sponsorView(profile: SponsorProfile): SponsorView {
  return {
    profile,
    languages: readList(profile.languages, SPONSOR_LANGUAGES),
    areas: readList(profile.areas, HELP_AREAS),
    districts: readList(profile.districts, DISTRICTS),
    availability: readList(profile.availability, TIMES),
  };
}

export async function getSponsorProfile(db: Db, personId: number): Promise<SponsorView | undefined> {
  const profile = await db.sponsorProfile.findUnique({ where: { personId } });
  return profile ? sponsorView(profile) : undefined;
}

export type SubmitResult = { outcome: "submitted"; profileId: number; managers: Recipient[] } | { outcome: "updated" };

/**
 * Saves the volunteer's answers. A new (or previously declined or withdrawn) volunteer waits for
 * a manager's approval; an active or paused sponsor who edits keeps their status.
 */
export async function submitSponsorProfile(db: Db, personId: number, input: SponsorInput, now: Date): Promise<SubmitResult> {
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
    if (input.homeDistrict !== undefined) await tx.person.update({ where: { id: personId }, data: { district: input.homeDistrict } });
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
export async function decideSponsor(db: Db, actor: Actor, profileId: number, decision: "approve" | "decline", now: Date): Promise<DecideResult> {
  assertRole(actor, "manager");
  const status = decision === "approve" ? "active" : "declined";
  const changed = await db.sponsorProfile.updateMany({ where: { id: profileId, status: "pending" }, data: { status, decidedAt: now } });
  if (changed.count === 0) return { outcome: "not_pending" };
  const profile = await db.sponsorProfile.findUniqueOrThrow({ where: { id: profileId }, include: { person: true } });
  return { outcome: "decided", volunteer: recipientOf(profile.person) };
}

/** Volunteers waiting for a decision, oldest first. */
export async function pendingSponsors(db: Db, actor: Actor) {
  assertRole(actor, "manager");
  const profiles = await db.sponsorProfile.findMany({ where: { status: "pending" }, include: { person: true }, orderBy: { createdAt: "asc" } });
  return profiles.map((profile) => ({ ...sponsorView(profile), name: nameOf(profile.person) }));
}

export type SponsorChange = "pause" | "resume" | "withdraw";

export type SponsorChangeResult = ({ outcome: "changed"; families: Recipient[] } & BackInQueue) | { outcome: "not_possible" };

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
export async function changeSponsorStatus(db: Db, personId: number, change: SponsorChange, now: Date): Promise<SponsorChangeResult> {
  return db.$transaction(async (tx) => {
    const profile = await tx.sponsorProfile.findUnique({ where: { personId } });
    if (!profile || !allowedFrom[change].includes(profile.status)) return { outcome: "not_possible" };
    await tx.sponsorProfile.update({ where: { id: profile.id }, data: { status: statusAfter[change] } });
    if (change !== "withdraw") return { outcome: "changed", families: [], requestIds: [], managers: [] };
    const ended = await endRunningSponsorships(tx, { sponsorId: profile.id }, "sponsor_withdrew", now, true);
    return { outcome: "changed", families: ended.filter((end) => end.wasActive).map((end) => end.family), ...(await backInQueue(tx, ended)) };
  });
}

// ───────────────────────────── requests ─────────────────────────────

const OPEN_REQUEST = ["open", "matched"] as const;

export type CreateRequestResult = { outcome: "created"; requestId: number; managers: Recipient[] } | { outcome: "already_open" };

/** A resident asks for a sponsor; one open request per person. */
export async function createRequest(db: Db, personId: number, input: RequestInput, now: Date): Promise<CreateRequestResult> {
  return db.$transaction(async (tx) => {
    const open = await tx.sponsorshipRequest.count({ where: { personId, status: { in: [...OPEN_REQUEST] } } });
    if (open > 0) return { outcome: "already_open" };
    // The family's district is where the person lives: announcements by district reach them.
    await tx.person.update({ where: { id: personId }, data: { district: input.district } });
    const request = await tx.sponsorshipRequest.create({
      data: {
        personId,
        areas: JSON.stringify(input.areas),
        languages: JSON.stringify(input.languages),
        district: input.district,
        familySize: input.familySize ?? null,
        childrenAges: input.childrenAges ?? null,
        contactTimes: JSON.stringify(input.contactTimes),
        note: input.note ?? null,
        shareContact: input.phone !== undefined,
        phone: input.phone ?? null,
        createdAt: now,
      },
    });
    return { outcome: "created", requestId: request.id, managers: await managerRecipients(tx) };
  });
}

export interface RequestView {
  request: SponsorshipRequest;
  areas: HelpArea[];
  languages: SponsorLanguage[];
  contactTimes: Time[];
}

export function requestView(request: SponsorshipRequest): RequestView {
  return {
    request,
    areas: readList(request.areas, HELP_AREAS),
    languages: readList(request.languages, SPONSOR_LANGUAGES),
    contactTimes: readList(request.contactTimes, TIMES),
  };
}

/** The person's open or matched request, if any. */
export async function myOpenRequest(db: Db, personId: number): Promise<RequestView | undefined> {
  const request = await db.sponsorshipRequest.findFirst({ where: { personId, status: { in: [...OPEN_REQUEST] } }, orderBy: { createdAt: "desc" } });
  return request ? requestView(request) : undefined;
}

export type WithdrawRequestResult = { outcome: "withdrawn"; sponsors: Recipient[] } | { outcome: "not_open" };

/** The family withdraws its request; a running sponsorship or offer ends and the sponsor is told. */
export async function withdrawRequest(db: Db, personId: number, requestId: number, now: Date): Promise<WithdrawRequestResult> {
  return db.$transaction(async (tx) => {
    const changed = await tx.sponsorshipRequest.updateMany({
      where: { id: requestId, personId, status: { in: [...OPEN_REQUEST] } },
      data: { status: "withdrawn", closedAt: now },
    });
    if (changed.count === 0) return { outcome: "not_open" };
    const ended = await endRunningSponsorships(tx, { requestId }, "family_withdrew", now, false);
    return { outcome: "withdrawn", sponsors: ended.map((end) => end.sponsor) };
  });
}

export interface EndedSponsorship {
  sponsorshipId: number;
  requestId: number;
  wasActive: boolean;
  /** The family's request waits in the queue again (the sponsor's side ended a match or an offer). */
  requestBackInQueue: boolean;
  family: Recipient;
  sponsor: Recipient;
}

/** Requests the sponsor's side put back into the queue, and the managers to tell at once. */
export interface BackInQueue {
  requestIds: number[];
  managers: Recipient[];
}

export async function backInQueue(tx: Tx, ended: readonly EndedSponsorship[]): Promise<BackInQueue> {
  const requestIds = [...new Set(ended.filter((end) => end.requestBackInQueue).map((end) => end.requestId))];
  return { requestIds, managers: requestIds.length === 0 ? [] : await managerRecipients(tx) };
}

/**
 * Ends the running sponsorships and offers that match `where` and drops their pending reminders.
 * With `reopenRequests` (the sponsor's side ended it) the families' requests go back into the
 * queue, so a manager can match them again. The ended rows keep their start and end: they are the
 * match history the indicators read, so ending one never changes a past period's figures.
 */
export async function endRunningSponsorships(
  tx: Tx,
  where: Prisma.SponsorshipWhereInput,
  endReason: string,
  now: Date,
  reopenRequests: boolean,
): Promise<EndedSponsorship[]> {
  const running = await tx.sponsorship.findMany({
    where: { ...where, status: { in: [...RUNNING] } },
    include: { request: { include: { person: true } }, sponsor: { include: { person: true } } },
  });
  if (running.length === 0) return [];
  const ids = running.map((sponsorship) => sponsorship.id);
  await tx.sponsorship.updateMany({ where: { id: { in: ids } }, data: { status: "ended", endedAt: now, endReason } });
  await tx.reminder.updateMany({ where: { sponsorshipId: { in: ids }, sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
  if (reopenRequests) {
    await tx.sponsorshipRequest.updateMany({
      where: { id: { in: running.map((sponsorship) => sponsorship.requestId) }, status: "matched" },
      data: { status: "open", matchedAt: null },
    });
  }
  // Only a sponsor's leaving puts requests back in the queue; otherwise none is reported back.
  const waiting = reopenRequests
    ? new Set(
        (await tx.sponsorshipRequest.findMany({ where: { id: { in: running.map((sponsorship) => sponsorship.requestId) }, status: "open" }, select: { id: true } })).map(
          (request) => request.id,
        ),
      )
    : new Set<number>();
  return running.map((sponsorship) => ({
    sponsorshipId: sponsorship.id,
    requestId: sponsorship.requestId,
    wasActive: sponsorship.status === "active",
    requestBackInQueue: reopenRequests && waiting.has(sponsorship.requestId),
    family: recipientOf(sponsorship.request.person),
    sponsor: recipientOf(sponsorship.sponsor.person),
  }));
}

// ───────────────────────────── managers: queue, suggestions, offers ─────────────────────────────

const DAY_MS = 86_400_000;

export interface QueuedRequest extends RequestView {
  waitingDays: number;
  /** True while a sponsor has an unanswered offer for it. */
  offerPending: boolean;
}

/** A match: an accepted offer, with its start and (once over) its end. */
interface MatchSpan {
  id: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

/**
 * Since when a request has been waiting at `at`: since it was made, or, when an earlier match
 * ended before (the sponsor's side put it back into the queue), since the end of the latest one.
 */
function waitingSince(createdAt: Date, matches: readonly MatchSpan[], at: Date, except?: number): Date {
  let since = createdAt;
  for (const match of matches) {
    if (match.id === except || match.startedAt === null || match.endedAt === null || match.endedAt > at) continue;
    if (match.endedAt > since) since = match.endedAt;
  }
  return since;
}

/**
 * Open requests in the order they were made (a family put back into the queue keeps its place),
 * with how long they have waited since they (last) entered the queue.
 */
export async function openRequests(db: Db, actor: Actor, now: Date): Promise<QueuedRequest[]> {
  assertRole(actor, "manager");
  const requests = await db.sponsorshipRequest.findMany({
    where: { status: "open" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { sponsorships: { where: { OR: [{ status: "proposed" }, { startedAt: { not: null } }] }, select: { id: true, status: true, startedAt: true, endedAt: true } } },
  });
  return requests.map((request) => ({
    ...requestView(request),
    waitingDays: Math.floor((now.getTime() - waitingSince(request.createdAt, request.sponsorships, now).getTime()) / DAY_MS),
    offerPending: request.sponsorships.some((sponsorship) => sponsorship.status === "proposed"),
  }));
}

export async function getOpenRequest(db: Db, actor: Actor, requestId: number, now: Date): Promise<QueuedRequest | undefined> {
  return (await openRequests(db, actor, now)).find((queued) => queued.request.id === requestId);
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
  return { languages: view.languages, areas: view.areas, district: view.request.district, contactTimes: view.contactTimes };
}

/**
 * Active sponsors for an open request, best first (see `scoreCandidate`). With `anyLanguage`
 * the manager looks at every active sponsor with a free place, whatever their languages.
 */
export async function suggestSponsors(db: Db, actor: Actor, requestId: number, options: { anyLanguage?: boolean } = {}): Promise<Suggestion[] | undefined> {
  assertRole(actor, "manager");
  const request = await db.sponsorshipRequest.findFirst({ where: { id: requestId, status: "open" } });
  if (!request) return undefined;
  const need = needOf(requestView(request));
  const candidates = await activeCandidates(db);
  if (!options.anyLanguage) return rankCandidates(need, candidates);
  return rankCandidates({ ...need, languages: SPONSOR_LANGUAGES }, candidates.map((candidate) => ({ ...candidate, languages: SPONSOR_LANGUAGES })));
}

export type ProposeResult =
  | { outcome: "proposed"; sponsorshipId: number; sponsor: Recipient; offer: RequestView }
  | { outcome: "request_gone" | "offer_pending" | "sponsor_unavailable" };

/**
 * The manager offers the request to one sponsor. The sponsor must be active with a free place,
 * the request open without another unanswered offer. Reminder rows tell the manager and the
 * sponsor when the sponsor has not answered after 72 hours.
 */
export async function proposeSponsor(db: Db, actor: Actor, requestId: number, profileId: number, now: Date): Promise<ProposeResult> {
  assertRole(actor, "manager");
  return db.$transaction(async (tx) => {
    const request = await tx.sponsorshipRequest.findFirst({ where: { id: requestId, status: "open" } });
    if (!request) return { outcome: "request_gone" };
    if ((await tx.sponsorship.count({ where: { requestId, status: "proposed" } })) > 0) return { outcome: "offer_pending" };
    const profile = await tx.sponsorProfile.findFirst({ where: { id: profileId, status: "active", person: { erasedAt: null } }, include: { person: true } });
    if (!profile) return { outcome: "sponsor_unavailable" };
    const load = await tx.sponsorship.count({ where: { sponsorId: profileId, status: { in: [...RUNNING] } } });
    if (load >= profile.maxFamilies) return { outcome: "sponsor_unavailable" };
    const sponsorship = await tx.sponsorship.create({ data: { requestId, sponsorId: profileId, proposedAt: now } });
    // One time-out row for the manager (pick again) and one for the sponsor (the offer is over).
    const dueAt = new Date(now.getTime() + OFFER_TIMEOUT_MS);
    await tx.reminder.createMany({
      data: [
        { kind: "sponsorship_offer_timeout", dedupeKey: `sponsorship_offer_timeout:sponsorship:${sponsorship.id}`, personId: actor.id, dueAt, sponsorshipId: sponsorship.id },
        { kind: "sponsorship_offer_timeout", dedupeKey: `sponsorship_offer_timeout:sponsorship:${sponsorship.id}${SPONSOR_TIMEOUT_SUFFIX}`, personId: profile.personId, dueAt, sponsorshipId: sponsorship.id },
      ],
    });
    return { outcome: "proposed", sponsorshipId: sponsorship.id, sponsor: recipientOf(profile.person), offer: requestView(request) };
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
  | { outcome: "accepted"; sponsorshipId: number; toSponsor: Introduction; toFamily: Introduction; request: RequestView }
  | { outcome: "declined"; managers: Recipient[] }
  | { outcome: "gone" };

/** The sponsor answers an offer. Only the sponsor it was made to, and only while it is open. */
export async function answerOffer(db: Db, personId: number, sponsorshipId: number, answer: "accept" | "decline", now: Date): Promise<OfferAnswerResult> {
  return db.$transaction(async (tx) => {
    const sponsorship = await tx.sponsorship.findFirst({
      where: { id: sponsorshipId, status: "proposed", sponsor: { personId, status: "active" }, request: { status: "open" } },
      include: { request: { include: { person: true } }, sponsor: { include: { person: true } } },
    });
    if (!sponsorship) return { outcome: "gone" };
    await tx.reminder.updateMany({ where: { sponsorshipId, kind: "sponsorship_offer_timeout", sentAt: null, cancelledAt: null }, data: { cancelledAt: now } });
    if (answer === "decline") {
      await tx.sponsorship.update({ where: { id: sponsorshipId }, data: { status: "declined", respondedAt: now } });
      return { outcome: "declined", managers: await managerRecipients(tx) };
    }
    await tx.sponsorship.update({ where: { id: sponsorshipId }, data: { status: "active", respondedAt: now, startedAt: now } });
    await tx.sponsorshipRequest.update({ where: { id: sponsorship.requestId }, data: { status: "matched", matchedAt: now } });
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
  await db.sponsorship.updateMany({ where: { id: sponsorshipId, status: "proposed" }, data: { status: "expired", respondedAt: now } });
  return (await db.sponsorship.count({ where: { id: sponsorshipId, status: "expired" } })) > 0;
}

// ───────────────────────────── follow-up ─────────────────────────────

export const CHECKIN_ANSWERS = ["fine", "help", "ended"] as const;
export type CheckinAnswer = (typeof CHECKIN_ANSWERS)[number];

export type CheckinResult =
  | { outcome: "fine" }
  | { outcome: "help"; managers: Recipient[]; requestId: number }
  | { outcome: "ended"; family: Recipient; managers: Recipient[] }
  | { outcome: "gone" };

/** The sponsor answers "How is it going?"; "ended" closes the sponsorship and the request. */
export async function recordCheckin(db: Db, personId: number, sponsorshipId: number, answer: CheckinAnswer, now: Date): Promise<CheckinResult> {
  return db.$transaction(async (tx) => {
    const sponsorship = await tx.sponsorship.findFirst({ where: { id: sponsorshipId, status: "active", sponsor: { personId } } });
    if (!sponsorship) return { outcome: "gone" };
    if (answer === "fine") return { outcome: "fine" };
    if (answer === "help") return { outcome: "help", managers: await managerRecipients(tx), requestId: sponsorship.requestId };
    const [ended] = await endRunningSponsorships(tx, { id: sponsorshipId }, "ended_by_sponsor", now, false);
    await tx.sponsorshipRequest.update({ where: { id: sponsorship.requestId }, data: { status: "closed", closedAt: now } });
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
      select: { createdAt: true, sponsorships: { where: { startedAt: { not: null } }, select: { id: true, startedAt: true, endedAt: true } } },
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
      return (startedAt.getTime() - waitingSince(request.createdAt, request.sponsorships, startedAt, match.id).getTime()) / DAY_MS;
    }),
  );
  return {
    activeSponsorships,
    openRequests: openCount,
    medianDaysToMatch: median(days),
    sponsors: profiles.map((profile) => ({ name: nameOf(profile.person), status: profile.status, families: profile._count.sponsorships, maxFamilies: profile.maxFamilies })),
  };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** A sponsor's active sponsorships, for their own overview. */
export async function activeSponsorshipsOf(db: Db, personId: number): Promise<Sponsorship[]> {
  return db.sponsorship.findMany({ where: { status: "active", sponsor: { personId } }, orderBy: { startedAt: "asc" } });
}
