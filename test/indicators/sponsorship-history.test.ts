import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { parsePeriodKey } from "../../src/features/indicators/periods.js";
import { recomputeTallies } from "../../src/features/indicators/tallies.js";
import { erasePersonData } from "../../src/people/erasure.js";
import {
  answerOffer,
  changeSponsorStatus,
  openRequests,
  proposeSponsor,
  sponsorshipOverview,
} from "../../src/features/sponsorship/service.js";
import { createTestDb } from "../support/db.js";
import { familyRequest, makePerson, makeSponsor } from "../support/fixtures.js";

/**
 * #11 defect 2: a sponsor leaving (withdrawing or erasing their data) puts the family's request
 * back into the queue, but never changes a figure of a period that had ended before.
 */

const ZONE = "Europe/Berlin";
const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

let db: Db;
let office: { id: number; roles: "manager"[] };

beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

async function match(requestId: number, sponsor: { personId: number; profileId: number }, when: Date): Promise<void> {
  const proposed = await proposeSponsor(db, office, requestId, sponsor.profileId, when);
  if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
  const answered = await answerOffer(db, sponsor.personId, proposed.sponsorshipId, "accept", when);
  if (answered.outcome !== "accepted") throw new Error(answered.outcome);
}

async function request(name: string, when: Date): Promise<number> {
  const requestId = await familyRequest(db, name);
  await db.sponsorshipRequest.update({ where: { id: requestId }, data: { createdAt: when } });
  return requestId;
}

/** September and the third quarter, which had ended when the figures were first computed. */
async function endedPeriodRows() {
  const september = parsePeriodKey("2026-09", ZONE)!;
  const q3 = parsePeriodKey("2026-Q3", ZONE)!;
  return db.indicatorTally.findMany({
    where: {
      indicator: { in: ["active_sponsorships", "open_requests", "median_days_to_match"] },
      OR: [
        { periodKind: "month", periodStart: september.start },
        { periodKind: "quarter", periodStart: q3.start },
      ],
    },
    orderBy: [{ indicator: "asc" }, { periodKind: "asc" }],
  });
}

async function figure(indicator: string, key: string) {
  const period = parsePeriodKey(key, ZONE)!;
  const row = await db.indicatorTally.findFirst({
    where: { indicator, periodKind: period.kind as "month" | "quarter", periodStart: period.start, scopeKey: "all" },
  });
  return row && [row.numerator, row.denominator];
}

describe("a sponsor leaving after a reported month", () => {
  let first: number;
  let second: number;
  let waiting: number;

  it("September: two matches after 8.5 and 10 days, one request still waiting", async () => {
    office = { id: (await makePerson(db, { name: "Chefin", chatId: 700, manager: true })).id, roles: ["manager"] };
    const anna = await makeSponsor(db, { name: "Anna", languages: ["ru"] });
    const bernd = await makeSponsor(db, { name: "Bernd", languages: ["ru"] });
    first = await request("Familie Eins", at("2026-09-01T10:00:00Z"));
    second = await request("Familie Zwei", at("2026-09-03T10:00:00Z"));
    waiting = await request("Familie Drei", at("2026-09-20T10:00:00Z"));
    await match(first, anna, at("2026-09-09T22:00:00Z"));
    await match(second, bernd, at("2026-09-13T10:00:00Z"));

    await recomputeTallies(db, at("2026-10-05T02:00:00Z"), ZONE);
    expect(await figure("median_days_to_match", "2026-09")).toEqual([9.25, 2]);
    expect(await figure("active_sponsorships", "2026-09")).toEqual([2, null]);
    expect(await figure("open_requests", "2026-09")).toEqual([1, null]);
    expect(await figure("median_days_to_match", "2026-Q3")).toEqual([9.25, 2]);
  });

  it("November: one sponsor withdraws, the other erases their data; September's rows stay byte for byte, the waits count from the reopening", async () => {
    const before = await endedPeriodRows();
    expect(before).toHaveLength(6);

    const anna = await db.sponsorProfile.findFirstOrThrow({ where: { person: { firstName: "Anna" } } });
    const withdrawn = await changeSponsorStatus(db, anna.personId, "withdraw", at("2026-11-10T09:00:00Z"));
    expect(withdrawn).toMatchObject({
      outcome: "changed",
      requestIds: [first],
      managers: [expect.objectContaining({ chatId: 700n })],
    });
    const bernd = await db.sponsorProfile.findFirstOrThrow({ where: { person: { firstName: "Bernd" } } });
    const erased = await erasePersonData(db, bernd.personId, at("2026-11-12T09:00:00Z"));
    expect(erased).toMatchObject({ requestIds: [second], managers: [expect.objectContaining({ chatId: 700n })] });
    expect(await db.sponsorshipRequest.count({ where: { id: { in: [first, second] }, status: "open" } })).toBe(2);

    // The first family finds a new sponsor five days after it was put back into the queue.
    const clara = await makeSponsor(db, { name: "Clara", languages: ["ru"] });
    await match(first, clara, at("2026-11-15T09:00:00Z"));

    const now = at("2026-11-20T09:00:00Z");
    await recomputeTallies(db, now, ZONE);
    expect(await endedPeriodRows()).toEqual(before);
    expect(await figure("median_days_to_match", "2026-11")).toEqual([5, 1]);
    expect(await figure("active_sponsorships", "2026-10")).toEqual([2, null]);
    expect(await figure("open_requests", "2026-10")).toEqual([1, null]);
    // Now: the first family matched again; the second and the third wait.
    expect(await figure("active_sponsorships", "2026-11")).toEqual([1, null]);
    expect(await figure("open_requests", "2026-11")).toEqual([2, null]);

    // The live views read the same history: the queue counts from the reopening, the overview's
    // median is over every match (8.5, 10 and 5 days).
    const queue = await openRequests(db, office, now);
    expect(queue.map((queued) => [queued.request.id, queued.waitingDays])).toEqual([
      [second, Math.floor((now.getTime() - at("2026-11-12T09:00:00Z").getTime()) / DAY)],
      [waiting, Math.floor((now.getTime() - at("2026-09-20T10:00:00Z").getTime()) / DAY)],
    ]);
    expect((await sponsorshipOverview(db, office)).medianDaysToMatch).toBe(8.5);
  });
});
