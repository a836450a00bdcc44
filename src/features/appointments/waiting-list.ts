import type { Recipient } from "../../people/recipient.js";

/**
 * The waiting list of anything with limited places (a course's seats, an event's places): who
 * asked first is first in line, two at the same instant in the order they were stored. A place
 * that comes free goes to the first in line that it fits. Each feature tells how its places are
 * counted (a WaitingLine); the order and the moving up are the same for all.
 */

/** The order of a waiting list, for Prisma's orderBy. */
export function waitingOrder(): [{ requestedAt: "asc" }, { id: "asc" }] {
  return [{ requestedAt: "asc" }, { id: "asc" }];
}

/** The entries waiting ahead of `entry`, as a filter to add to its list's own (course, event). */
export function waitingAhead(entry: { requestedAt: Date; id: number }) {
  return {
    status: "waitlisted" as const,
    OR: [{ requestedAt: { lt: entry.requestedAt } }, { requestedAt: entry.requestedAt, id: { lt: entry.id } }],
  };
}

/**
 * The 1-based place in line of every waiting entry, by entry id, from all waiting entries of
 * some lists read at once (each list's in waiting order).
 */
export function placesInLine<E extends { id: number }>(
  waiting: readonly E[],
  listOf: (entry: E) => number,
): Map<number, number> {
  const seen = new Map<number, number>();
  const places = new Map<number, number>();
  for (const entry of waiting) {
    const place = (seen.get(listOf(entry)) ?? 0) + 1;
    seen.set(listOf(entry), place);
    places.set(entry.id, place);
  }
  return places;
}

/** Someone who moved up from a waiting list: the enrollment or sign-up, and whom to tell. */
export interface Promotion {
  id: number;
  recipient: Recipient;
}

/** One waiting list inside a transaction, as the moving up sees it. */
export interface WaitingLine {
  /** Places free now: null without a limit, 0 (or less) when nobody may move up, e.g. a closed course. */
  placesLeft(): Promise<number | null>;
  /** The first waiting entry, in waiting order, that `places` would fit. */
  firstFitting(places: number): Promise<Promotion | null>;
  /** Gives the entry its place. */
  admit(id: number): Promise<void>;
}

/**
 * Moves waiting entries up in line order while places are free, at most `limit` of them; an
 * entry too large for the free places (a party) keeps its place in line and does not block
 * smaller ones behind it.
 */
export async function promoteWaiting(line: WaitingLine, limit = Number.POSITIVE_INFINITY): Promise<Promotion[]> {
  const promoted: Promotion[] = [];
  while (promoted.length < limit) {
    const places = await line.placesLeft();
    if (places !== null && places <= 0) break;
    const next = await line.firstFitting(places ?? Number.MAX_SAFE_INTEGER);
    if (!next) break;
    await line.admit(next.id);
    promoted.push(next);
  }
  return promoted;
}
