import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { periodContaining, periodsBetween, type Period } from "../../src/features/indicators/periods.js";
import { recomputeTallies } from "../../src/features/indicators/tallies.js";
import { erasePersonData } from "../../src/people/erasure.js";
import {
  DISTRICTS,
  answerOffer,
  changeSponsorStatus,
  createRequest,
  decideSponsor,
  expireOffer,
  proposeSponsor,
  recordCheckin,
  submitSponsorProfile,
  withdrawRequest,
} from "../../src/features/sponsorship/service.js";
import { createTestDb } from "../support/db.js";

/**
 * Differential test of the sponsorship figures (#11). Random histories from fixed seeds —
 * requests, offers, matches, declines, expiries, endings, withdrawals, pauses, erasures — are
 * recomputed into IndicatorTally and compared with a deliberately simple reference below that
 * follows the README's definitions word by word with plain loops over the rows.
 *
 * Each history has a calendar quarter of its own and ends with every request closed, so the histories
 * share one database and one recomputation without touching each other's periods. Most histories
 * are simulated in memory by the same rules as the services and written as rows (fast); a few
 * are played through the services themselves (requests, answers, erasure as the bot does them).
 */

const ZONE = "Europe/Berlin";
const SIMULATED_HISTORIES = 200;
const PLAYED_HISTORIES = 2;
const SIMULATED_STEPS = 40;
const PLAYED_STEPS = 25;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPONSORSHIP_FIGURES = ["active_sponsorships", "open_requests", "median_days_to_match"] as const;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** History number `index` has a calendar quarter of its own, from 2020 on. */
function windowStart(index: number): Date {
  return new Date(Date.UTC(2020 + Math.floor(index / 4), (index % 4) * 3, 1));
}

/** A history stops early rather than reach into the next one's quarter (its closing day included). */
function windowEnd(index: number): Date {
  return new Date(windowStart(index + 1).getTime() - 2 * DAY);
}

/** The next moment of a history: whole hours later, sometimes the same moment, sometimes exactly a month's end. */
function advance(rnd: () => number, now: Date): Date {
  const jump = rnd();
  if (jump < 0.05) return periodContaining("month", now, ZONE).end;
  if (jump < 0.15) return now;
  return new Date(now.getTime() + Math.floor(1 + rnd() * 3 * 24) * HOUR);
}

const ACTION_WEIGHTS = { request: 3, propose: 4, answer: 5, expire: 0.5, end: 1, sponsor: 1.5, family: 1 } as const;
type Action = keyof typeof ACTION_WEIGHTS;

/** The action of a step, weighted towards requests, offers and answers. */
function actionOf(rnd: () => number): Action {
  const entries = Object.entries(ACTION_WEIGHTS) as [Action, number][];
  let draw = rnd() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [action, weight] of entries) {
    draw -= weight;
    if (draw < 0) return action;
  }
  return "request";
}

interface Figure {
  numerator: number;
  denominator: number | null;
}

let db: Db;
beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

// ───────────────────────────── simulated histories ─────────────────────────────

interface SimRequest {
  id: number;
  personId: number;
  createdAt: Date;
  closedAt: Date | null;
  status: "open" | "matched" | "withdrawn" | "closed";
}
interface SimSponsorship {
  id: number;
  requestId: number;
  sponsorId: number;
  status: "proposed" | "declined" | "expired" | "active" | "ended";
  proposedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}
interface SimSponsor {
  id: number;
  personId: number;
  active: boolean;
  maxFamilies: number;
}

/** The rows of all simulated histories; ids are given so that they can be written in one go. */
class Simulation {
  persons: { id: number; telegramId: bigint }[] = [];
  sponsors: SimSponsor[] = [];
  requests: SimRequest[] = [];
  sponsorships: SimSponsorship[] = [];

  person(): number {
    const id = this.persons.length + 1;
    this.persons.push({ id, telegramId: BigInt(id) });
    return id;
  }

  /** The rows of the history being simulated. */
  private current = { requests: [] as SimRequest[], sponsorships: [] as SimSponsorship[] };

  /** Ends running offers and matches; with `reopen` (the sponsor's side) matched requests wait again. */
  private end(running: SimSponsorship[], now: Date, reopen: boolean): void {
    for (const sponsorship of running) {
      sponsorship.status = "ended";
      sponsorship.endedAt = now;
      const request = this.current.requests.find((candidate) => candidate.id === sponsorship.requestId)!;
      if (reopen && request.status === "matched") request.status = "open";
    }
  }

  private runningOf(where: (sponsorship: SimSponsorship) => boolean): SimSponsorship[] {
    return this.current.sponsorships.filter(
      (sponsorship) => (sponsorship.status === "proposed" || sponsorship.status === "active") && where(sponsorship),
    );
  }

  history(seed: number, start: Date, limit: Date): void {
    const rnd = random(seed);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rnd() * items.length)];
    const newSponsor = () => {
      const sponsor = {
        id: this.sponsors.length + 1,
        personId: this.person(),
        active: rnd() < 0.9,
        maxFamilies: 1 + Math.floor(rnd() * 2),
      };
      this.sponsors.push(sponsor);
      return sponsor;
    };
    const sponsors = [newSponsor(), newSponsor(), newSponsor()];
    const families = [0, 1, 2, 3, 4].map(() => this.person());
    const requests: SimRequest[] = [];
    const sponsorships: SimSponsorship[] = [];
    this.current = { requests, sponsorships };
    let now = start;
    for (let step = 0; step < SIMULATED_STEPS; step++) {
      now = advance(rnd, now);
      if (now > limit) break;
      const action = actionOf(rnd);
      const openRequests = requests.filter((request) => request.status === "open");
      const offers = this.runningOf((sponsorship) => sponsorship.status === "proposed");
      const matches = this.runningOf((sponsorship) => sponsorship.status === "active");
      if (action === "request") {
        const family = pick(families)!;
        const hasOpen = requests.some(
          (request) => request.personId === family && (request.status === "open" || request.status === "matched"),
        );
        if (!hasOpen)
          requests.push({
            id: this.requests.length + requests.length + 1,
            personId: family,
            createdAt: now,
            closedAt: null,
            status: "open",
          });
      } else if (action === "propose") {
        const request = pick(openRequests);
        const sponsor = pick(sponsors.filter((candidate) => candidate.active));
        if (!request || !sponsor) continue;
        if (
          this.runningOf((sponsorship) => sponsorship.requestId === request.id && sponsorship.status === "proposed")
            .length > 0
        )
          continue;
        if (this.runningOf((sponsorship) => sponsorship.sponsorId === sponsor.id).length >= sponsor.maxFamilies)
          continue;
        sponsorships.push({
          id: this.sponsorships.length + sponsorships.length + 1,
          requestId: request.id,
          sponsorId: sponsor.id,
          status: "proposed",
          proposedAt: now,
          startedAt: null,
          endedAt: null,
        });
      } else if (action === "answer") {
        const offer = pick(offers);
        if (!offer || !sponsors.find((sponsor) => sponsor.id === offer.sponsorId)?.active) continue;
        if (rnd() < 0.75) {
          offer.status = "active";
          offer.startedAt = now;
          requests.find((request) => request.id === offer.requestId)!.status = "matched";
        } else {
          offer.status = "declined";
        }
      } else if (action === "expire") {
        const offer = pick(offers);
        if (offer) offer.status = "expired";
      } else if (action === "end") {
        // The sponsor answers "ended" at a check-in: the match and the request close.
        const match = pick(matches);
        if (!match) continue;
        this.end([match], now, false);
        const request = requests.find((candidate) => candidate.id === match.requestId)!;
        request.status = "closed";
        request.closedAt = now;
      } else if (action === "sponsor") {
        // The sponsor withdraws, erases their data (and someone new signs up), pauses, or comes back;
        // mostly one with a family, so that requests go back into the queue.
        const matched = sponsors.filter((sponsor) => matches.some((match) => match.sponsorId === sponsor.id));
        const sponsor = (rnd() < 0.7 ? pick(matched) : undefined) ?? pick(sponsors)!;
        const kind = rnd();
        if (kind < 0.6) {
          sponsor.active = false;
          this.end(
            this.runningOf((sponsorship) => sponsorship.sponsorId === sponsor.id),
            now,
            true,
          );
          if (kind < 0.3) sponsors.splice(sponsors.indexOf(sponsor), 1, newSponsor());
        } else {
          sponsor.active = !sponsor.active;
        }
      } else {
        // The family withdraws its request, or erases its data (and a new family arrives).
        const request = pick(
          requests.filter((candidate) => candidate.status === "open" || candidate.status === "matched"),
        );
        if (!request) continue;
        this.withdraw(request, now);
        if (rnd() < 0.5) families.splice(families.indexOf(request.personId), 1, this.person());
      }
    }
    // The end of the history: every request still waiting or matched is withdrawn.
    now = new Date(now.getTime() + DAY);
    for (const request of requests.filter((candidate) => candidate.status === "open" || candidate.status === "matched"))
      this.withdraw(request, now);
    this.requests.push(...requests);
    this.sponsorships.push(...sponsorships);
  }

  private withdraw(request: SimRequest, now: Date): void {
    request.status = "withdrawn";
    request.closedAt = now;
    this.end(
      this.runningOf((sponsorship) => sponsorship.requestId === request.id),
      now,
      false,
    );
  }

  async write(): Promise<void> {
    await db.person.createMany({ data: this.persons });
    await db.sponsorProfile.createMany({
      data: this.sponsors.map((sponsor) => ({
        id: sponsor.id,
        personId: sponsor.personId,
        languages: "[]",
        areas: "[]",
        districts: "[]",
        availability: "[]",
        maxFamilies: sponsor.maxFamilies,
        status: sponsor.active ? "active" : "paused",
      })),
    });
    await db.sponsorshipRequest.createMany({
      data: this.requests.map((request) => ({
        id: request.id,
        personId: request.personId,
        areas: "[]",
        languages: "[]",
        createdAt: request.createdAt,
        closedAt: request.closedAt,
        status: request.status,
      })),
    });
    await db.sponsorship.createMany({ data: this.sponsorships });
  }
}

// ───────────────────────────── histories played through the services ─────────────────────────────

async function playHistory(
  seed: number,
  start: Date,
  limit: Date,
  office: { id: number; roles: "manager"[] },
): Promise<void> {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rnd() * items.length)];
  let now = start;
  let people = 0;
  const newPerson = async () => (await db.person.create({ data: { telegramId: BigInt(seed * 1000 + ++people) } })).id;
  const sponsorInput = () => ({
    languages: ["de" as const],
    areas: ["authorities" as const],
    districts: [pick(DISTRICTS) ?? "belm"],
    availability: [],
    maxFamilies: 1 + Math.floor(rnd() * 2),
    about: undefined,
    phone: undefined,
  });
  const becomeSponsor = async (personId: number) => {
    const submitted = await submitSponsorProfile(db, personId, sponsorInput(), now);
    if (submitted.outcome === "submitted" && rnd() < 0.9)
      await decideSponsor(db, office, submitted.profileId, "approve", now);
  };
  const sponsors: number[] = [];
  const families: number[] = [];
  for (let index = 0; index < 3; index++) {
    const person = await newPerson();
    sponsors.push(person);
    await becomeSponsor(person);
  }
  for (let index = 0; index < 5; index++) families.push(await newPerson());
  const ofSponsors = { sponsor: { personId: { in: sponsors } } };
  const ofFamilies = { personId: { in: families } };

  for (let step = 0; step < PLAYED_STEPS; step++) {
    now = advance(rnd, now);
    if (now > limit) break;
    const action = actionOf(rnd);
    if (action === "request") {
      const district = pick(DISTRICTS) ?? "belm";
      await createRequest(
        db,
        pick(families)!,
        {
          areas: ["authorities"],
          languages: ["de"],
          district,
          familySize: undefined,
          childrenAges: undefined,
          contactTimes: [],
          note: undefined,
          phone: undefined,
        },
        now,
      );
    } else if (action === "propose") {
      const request = pick(await db.sponsorshipRequest.findMany({ where: { ...ofFamilies, status: "open" } }));
      const profile = pick(
        await db.sponsorProfile.findMany({ where: { personId: { in: sponsors }, status: "active" } }),
      );
      if (request && profile) await proposeSponsor(db, office, request.id, profile.id, now);
    } else if (action === "answer") {
      const offer = pick(
        await db.sponsorship.findMany({ where: { ...ofSponsors, status: "proposed" }, include: { sponsor: true } }),
      );
      if (offer) await answerOffer(db, offer.sponsor.personId, offer.id, rnd() < 0.75 ? "accept" : "decline", now);
    } else if (action === "expire") {
      const offer = pick(await db.sponsorship.findMany({ where: { ...ofSponsors, status: "proposed" } }));
      if (offer) await expireOffer(db, offer.id, now);
    } else if (action === "end") {
      const match = pick(
        await db.sponsorship.findMany({ where: { ...ofSponsors, status: "active" }, include: { sponsor: true } }),
      );
      if (match) await recordCheckin(db, match.sponsor.personId, match.id, "ended", now);
    } else if (action === "sponsor") {
      const sponsor = pick(sponsors)!;
      const kind = rnd();
      if (kind < 0.3) {
        await erasePersonData(db, sponsor, now);
        const replacement = await newPerson();
        sponsors.splice(sponsors.indexOf(sponsor), 1, replacement);
        await becomeSponsor(replacement);
      } else if (kind < 0.6) await changeSponsorStatus(db, sponsor, "withdraw", now);
      else if (kind < 0.8) await changeSponsorStatus(db, sponsor, rnd() < 0.5 ? "pause" : "resume", now);
      else await becomeSponsor(sponsor);
    } else {
      const request = pick(
        await db.sponsorshipRequest.findMany({ where: { ...ofFamilies, status: { in: ["open", "matched"] } } }),
      );
      if (!request) continue;
      if (rnd() < 0.5) {
        await withdrawRequest(db, request.personId, request.id, now);
      } else {
        await erasePersonData(db, request.personId, now);
        families.splice(families.indexOf(request.personId), 1, await newPerson());
      }
    }
  }
  now = new Date(now.getTime() + DAY);
  for (const request of await db.sponsorshipRequest.findMany({
    where: { ...ofFamilies, status: { in: ["open", "matched"] } },
  })) {
    await withdrawRequest(db, request.personId, request.id, now);
  }
}

// ───────────────────────────── the reference ─────────────────────────────

interface RequestRow {
  id: number;
  createdAt: Date;
  closedAt: Date | null;
}
interface SponsorshipRow {
  id: number;
  requestId: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** README "Indicators", the three sponsorship rows, for one period. */
function referenceFigures(
  period: Period,
  now: Date,
  requests: RequestRow[],
  sponsorships: SponsorshipRow[],
  matchesOf: (requestId: number) => SponsorshipRow[],
): Map<string, Figure> {
  // "at the period's end (or now)"
  const asOf = period.end < now ? period.end : now;
  // A match is a sponsorship that started (an accepted offer); it runs from its start until its end.
  const matches = sponsorships.filter((sponsorship) => sponsorship.startedAt !== null);
  const runningAt = (match: SponsorshipRow, at: Date) =>
    match.startedAt! < at && (match.endedAt === null || match.endedAt >= at);

  // active_sponsorships: sponsorships running at the period's end.
  let active = 0;
  for (const match of matches) if (runningAt(match, asOf)) active++;

  // open_requests: requests made before the period's end, neither closed (withdrawn or ended) nor
  // within a match at that moment.
  let open = 0;
  for (const request of requests) {
    if (!(request.createdAt < asOf)) continue;
    if (request.closedAt !== null && request.closedAt < asOf) continue;
    let inMatch = false;
    for (const match of matchesOf(request.id)) if (runningAt(match, asOf)) inMatch = true;
    if (!inMatch) open++;
  }

  // median_days_to_match: over the matches that started in the period, the days each waited: from
  // the request, or from the end of the request's previous match when it was put back into the queue.
  const waits: number[] = [];
  for (const match of matches) {
    if (match.startedAt! < period.start || match.startedAt! >= period.end) continue;
    const request = requests.find((candidate) => candidate.id === match.requestId)!;
    let waitingSince = request.createdAt;
    for (const earlier of matchesOf(match.requestId)) {
      if (earlier.id === match.id || earlier.endedAt === null) continue;
      if (earlier.endedAt <= match.startedAt! && earlier.endedAt > waitingSince) waitingSince = earlier.endedAt;
    }
    waits.push((match.startedAt!.getTime() - waitingSince.getTime()) / DAY);
  }

  const key = (indicator: string) => `${indicator} ${period.kind} ${period.start.toISOString()}`;
  const figures = new Map<string, Figure>([
    [key("active_sponsorships"), { numerator: active, denominator: null }],
    [key("open_requests"), { numerator: open, denominator: null }],
  ]);
  if (waits.length > 0)
    figures.set(key("median_days_to_match"), { numerator: median(waits), denominator: waits.length });
  return figures;
}

async function referenceFor(now: Date): Promise<Map<string, Figure>> {
  const requests = await db.sponsorshipRequest.findMany({ select: { id: true, createdAt: true, closedAt: true } });
  const sponsorships = await db.sponsorship.findMany({
    select: { id: true, requestId: true, startedAt: true, endedAt: true },
  });
  // A request's matches, looked up once rather than searched for every period.
  const byRequest = new Map<number, SponsorshipRow[]>();
  for (const sponsorship of sponsorships) {
    if (sponsorship.startedAt === null) continue;
    byRequest.set(sponsorship.requestId, [...(byRequest.get(sponsorship.requestId) ?? []), sponsorship]);
  }
  const matchesOf = (requestId: number) => byRequest.get(requestId) ?? [];
  let earliest = now;
  for (const request of requests) if (request.createdAt < earliest) earliest = request.createdAt;
  const figures = new Map<string, Figure>();
  for (const kind of ["month", "quarter"] as const) {
    for (const period of periodsBetween(kind, earliest, now, ZONE)) {
      for (const [key, figure] of referenceFigures(period, now, requests, sponsorships, matchesOf))
        figures.set(key, figure);
    }
  }
  return figures;
}

async function storedFigures(): Promise<Map<string, Figure>> {
  const rows = await db.indicatorTally.findMany({
    where: { indicator: { in: [...SPONSORSHIP_FIGURES] }, scopeKey: "all" },
  });
  return new Map(
    rows.map((row) => [
      `${row.indicator} ${row.periodKind} ${row.periodStart.toISOString()}`,
      { numerator: row.numerator, denominator: row.denominator },
    ]),
  );
}

describe("sponsorship figures against a simple reference", () => {
  it(`agree for ${SIMULATED_HISTORIES} simulated and ${PLAYED_HISTORIES} played histories, period by period`, async () => {
    const simulation = new Simulation();
    for (let index = 0; index < SIMULATED_HISTORIES; index++)
      simulation.history(index + 1, windowStart(index), windowEnd(index));
    await simulation.write();
    const manager = await db.person.create({
      data: { telegramId: 999_999_999n, roles: { create: { role: "manager" } } },
    });
    for (let index = 0; index < PLAYED_HISTORIES; index++) {
      await playHistory(
        10_000 + index,
        windowStart(SIMULATED_HISTORIES + index),
        windowEnd(SIMULATED_HISTORIES + index),
        { id: manager.id, roles: ["manager"] },
      );
    }
    const now = windowStart(SIMULATED_HISTORIES + PLAYED_HISTORIES);
    await recomputeTallies(db, now, ZONE);

    const [stored, expected] = await Promise.all([storedFigures(), referenceFor(now)]);
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, figure] of expected) {
      const actual = stored.get(key)!;
      expect(actual.denominator, key).toBe(figure.denominator);
      // The median is stored rounded to two decimals.
      if (key.startsWith("median"))
        expect(Math.abs(actual.numerator - figure.numerator), key).toBeLessThanOrEqual(0.005 + 1e-9);
      else expect(actual.numerator, key).toBe(figure.numerator);
    }

    // The histories are not trivial: many matches, requests put back into the queue and matched
    // again, and figures that are not all zero.
    const matched = await db.sponsorship.findMany({ where: { startedAt: { not: null } }, select: { requestId: true } });
    const rematched = matched.length - new Set(matched.map((match) => match.requestId)).size;
    expect(matched.length).toBeGreaterThan(SIMULATED_HISTORIES);
    expect(rematched).toBeGreaterThan(SIMULATED_HISTORIES / 10);
    expect([...stored.values()].filter((figure) => figure.numerator > 0).length).toBeGreaterThan(SIMULATED_HISTORIES);
    const played = await db.sponsorship.count({ where: { startedAt: { gte: windowStart(SIMULATED_HISTORIES) } } });
    expect(played).toBeGreaterThan(0);
  }, 120_000);
});
