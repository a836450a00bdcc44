/**
 * How sponsors are ranked for a family's request: pure functions, the rule managers see in the
 * suggestions.
 */

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
