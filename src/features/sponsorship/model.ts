import type { SponsorProfile, SponsorshipRequest } from "../../generated/prisma/client.js";

/**
 * The words of citizen sponsorships (Patenschaften): what a volunteer offers and a family asks
 * for, stored as JSON arrays of codes, and how a request's waiting time is counted.
 */

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

/** Sponsorships that hold a sponsor's place: an unanswered offer or a running match. */
export const RUNNING = ["proposed", "active"] as const;
/** Requests a family has running: waiting in the queue or matched. */
export const OPEN_REQUEST = ["open", "matched"] as const;

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

export const DAY_MS = 86_400_000;

/** A match: an accepted offer, with its start and (once over) its end. */
export interface MatchSpan {
  id: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

/**
 * Since when a request has been waiting at `at`: since it was made, or, when an earlier match
 * ended before (the sponsor's side put it back into the queue), since the end of the latest one.
 */
export function waitingSince(createdAt: Date, matches: readonly MatchSpan[], at: Date, except?: number): Date {
  let since = createdAt;
  for (const match of matches) {
    if (match.id === except || match.startedAt === null || match.endedAt === null || match.endedAt > at) continue;
    if (match.endedAt > since) since = match.endedAt;
  }
  return since;
}
