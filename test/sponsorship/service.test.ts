import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { ForbiddenError } from "../../src/people/roles.js";
import { checkinDueAt } from "../../src/features/sponsorship/reminders.js";
import {
  answerOffer,
  changeSponsorStatus,
  createRequest,
  proposeSponsor,
  rankCandidates,
  scoreCandidate,
  sponsorshipOverview,
  suggestSponsors,
  type Candidate,
  type Need,
} from "../../src/features/sponsorship/service.js";
import { erasePersonData } from "../../src/people/erasure.js";
import { runReminderJob, type SendText } from "../../src/jobs/reminders.js";
import { silentLogger } from "../../src/logger.js";
import { createTestDb } from "../support/db.js";
import { OFFICE, familyRequest, makePerson, makeSponsor } from "../support/fixtures.js";

const NOW = new Date("2026-11-25T10:00:00Z");
const HOUR = 3_600_000;

const need: Need = {
  languages: ["ru"],
  areas: ["authorities", "homework"],
  district: "vehrte",
  contactTimes: ["evening"],
};
function candidate(overrides: Partial<Candidate>): Candidate {
  return {
    profileId: 1,
    languages: ["ru"],
    areas: ["authorities"],
    districts: ["belm"],
    availability: ["weekend"],
    maxFamilies: 2,
    currentFamilies: 0,
    ...overrides,
  };
}

describe("the ranking score", () => {
  it("requires a shared language and a free place", () => {
    expect(scoreCandidate(need, candidate({ languages: ["de", "en"] }))).toBeUndefined();
    expect(scoreCandidate(need, candidate({ maxFamilies: 1, currentFamilies: 1 }))).toBeUndefined();
  });

  it("adds 4 per common area, 3 for the district, 2 for a common time and 1 per free place (at most 2)", () => {
    expect(scoreCandidate(need, candidate({}))).toBe(4 + 2);
    expect(scoreCandidate(need, candidate({ areas: ["authorities", "homework", "leisure"] }))).toBe(8 + 2);
    expect(scoreCandidate(need, candidate({ districts: ["vehrte"] }))).toBe(4 + 3 + 2);
    expect(scoreCandidate(need, candidate({ availability: ["evening"] }))).toBe(4 + 2 + 2);
    expect(scoreCandidate(need, candidate({ maxFamilies: 5, currentFamilies: 4 }))).toBe(4 + 1);
    expect(scoreCandidate(need, candidate({ maxFamilies: 5 }))).toBe(4 + 2);
  });

  it("orders by score, then fewer current families, then earlier sign-up", () => {
    const ranked = rankCandidates(need, [
      candidate({ profileId: 1, districts: ["belm"], maxFamilies: 3 }), // 4 + 2 = 6
      candidate({ profileId: 2, districts: ["vehrte"], maxFamilies: 3, currentFamilies: 1 }), // 4 + 3 + 2 = 9
      candidate({ profileId: 3, districts: ["vehrte"], maxFamilies: 4, currentFamilies: 0 }), // 9, fewer families
      candidate({ profileId: 4, languages: ["de"], districts: ["vehrte"] }), // no shared language
      candidate({ profileId: 5, districts: ["vehrte"], maxFamilies: 1, currentFamilies: 1 }), // full
      candidate({ profileId: 6, districts: ["belm"], maxFamilies: 3 }), // 6, later sign-up than 1
    ]);
    expect(ranked.map((entry) => [entry.profileId, entry.score])).toEqual([
      [3, 9],
      [2, 9],
      [1, 6],
      [6, 6],
    ]);
  });
});

describe("the sponsorship service", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDb().db;
  });
  afterEach(async () => {
    await db.$disconnect();
  });

  it("never suggests paused, pending, declined or withdrawn sponsors, nor full ones", async () => {
    const active = await makeSponsor(db, { name: "Aktiv" });
    const paused = await makeSponsor(db, { name: "Pause" });
    await changeSponsorStatus(db, paused.personId, "pause", NOW);
    await makeSponsor(db, { name: "Wartend", approve: false });
    const withdrawn = await makeSponsor(db, { name: "Weg" });
    await changeSponsorStatus(db, withdrawn.personId, "withdraw", NOW);
    const full = await makeSponsor(db, { name: "Voll", maxFamilies: 1 });
    const other = await familyRequest(db, "Erste");
    const manager = await makePerson(db, { name: "Chefin", manager: true });
    const proposed = await proposeSponsor(db, { id: manager.id, roles: ["manager"] }, other, full.profileId, NOW);
    if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
    await answerOffer(db, full.personId, proposed.sponsorshipId, "accept", NOW);

    const requestId = await familyRequest(db, "Zweite");
    const suggestions = await suggestSponsors(db, OFFICE, requestId);
    expect(suggestions?.map((suggestion) => suggestion.name)).toEqual(["Aktiv"]);
    expect(active.profileId).toBe(suggestions?.[0]?.profileId);
    expect(await proposeSponsor(db, OFFICE, requestId, paused.profileId, NOW)).toEqual({
      outcome: "sponsor_unavailable",
    });
    expect(await proposeSponsor(db, OFFICE, requestId, full.profileId, NOW)).toEqual({
      outcome: "sponsor_unavailable",
    });
  });

  it("refuses everyone but managers and keeps one open request per person", async () => {
    const requestId = await familyRequest(db, "Familie");
    const sponsor = await makeSponsor(db, { name: "Pate" });
    const resident = { id: sponsor.personId, roles: [] };
    await expect(suggestSponsors(db, resident, requestId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(proposeSponsor(db, resident, requestId, sponsor.profileId, NOW)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(sponsorshipOverview(db, resident)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.sponsorship.count()).toBe(0);

    const request = await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } });
    const again = await createRequest(
      db,
      request.personId,
      {
        areas: ["housing"],
        languages: ["de"],
        district: "belm",
        familySize: undefined,
        childrenAges: undefined,
        contactTimes: [],
        note: undefined,
        phone: undefined,
      },
      NOW,
    );
    expect(again).toEqual({ outcome: "already_open" });
  });

  it("tells the manager and the sponsor through the reminder job when an offer is not answered in 72 hours", async () => {
    const manager = await makePerson(db, { name: "Chefin", chatId: 555, manager: true });
    const sponsor = await makeSponsor(db, { name: "Pate", chatId: 554 });
    const requestId = await familyRequest(db, "Familie");
    const proposed = await proposeSponsor(
      db,
      { id: manager.id, roles: ["manager"] },
      requestId,
      sponsor.profileId,
      NOW,
    );
    if (proposed.outcome !== "proposed") throw new Error(proposed.outcome);
    const sent: { chatId: number; text: string }[] = [];
    const send: SendText = (chatId, text) => Promise.resolve(void sent.push({ chatId, text }));
    const deps = { db, timeZone: "Europe/Berlin", logger: silentLogger };

    await runReminderJob(deps, send, new Date(NOW.getTime() + 72 * HOUR - 60_000));
    expect(sent).toEqual([]);
    await runReminderJob(deps, send, new Date(NOW.getTime() + 72 * HOUR));
    expect(sent).toHaveLength(2);
    expect(sent).toEqual(
      expect.arrayContaining([
        {
          chatId: 555,
          text: expect.stringContaining(`Anfrage #${requestId} kam 72 Stunden lang keine Antwort`) as string,
        },
        {
          chatId: 554,
          text: expect.stringContaining(
            "Auf die Anfrage für eine Patenschaft kam von Ihnen 72 Stunden lang keine Antwort",
          ) as string,
        },
      ]),
    );
    expect((await db.sponsorship.findUniqueOrThrow({ where: { id: proposed.sponsorshipId } })).status).toBe("expired");
    expect(await answerOffer(db, sponsor.personId, proposed.sponsorshipId, "accept", NOW)).toEqual({ outcome: "gone" });
    // The request is free for the next offer.
    expect(
      (await proposeSponsor(db, { id: manager.id, roles: ["manager"] }, requestId, sponsor.profileId, NOW)).outcome,
    ).toBe("proposed");
  });

  it("keeps a person's phones as sponsor and as family apart, and erasure clears both", async () => {
    const both = await makeSponsor(db, { name: "Beides", phone: "0170 2222222" });
    const requestId = await familyRequest(db, "Beides", { personId: both.personId, phone: "0170 1111111" });
    const request = await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } });
    const profile = await db.sponsorProfile.findUniqueOrThrow({ where: { id: both.profileId } });
    expect([
      request.phone,
      profile.phone,
      request.district,
      (await db.person.findUniqueOrThrow({ where: { id: both.personId } })).district,
    ]).toEqual(["0170 1111111", "0170 2222222", "vehrte", "vehrte"]);
    await erasePersonData(db, both.personId, NOW);
    expect((await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } })).phone).toBeNull();
    expect((await db.sponsorProfile.findUniqueOrThrow({ where: { id: both.profileId } })).phone).toBeNull();
    expect((await db.person.findUniqueOrThrow({ where: { id: both.personId } })).district).toBeNull();
  });

  it("a sponsor who withdraws with an unanswered offer puts that request back before the managers, too", async () => {
    const manager = await makePerson(db, { name: "Chefin", chatId: 556, manager: true });
    const sponsor = await makeSponsor(db, { name: "Pate" });
    const requestId = await familyRequest(db, "Familie");
    await proposeSponsor(db, { id: manager.id, roles: ["manager"] }, requestId, sponsor.profileId, NOW);
    const result = await changeSponsorStatus(db, sponsor.personId, "withdraw", NOW);
    expect(result).toMatchObject({
      outcome: "changed",
      families: [],
      requestIds: [requestId],
      managers: [{ chatId: 556n }],
    });
    // Pausing puts nothing back.
    const other = await makeSponsor(db, { name: "Andere" });
    expect(await changeSponsorStatus(db, other.personId, "pause", NOW)).toEqual({
      outcome: "changed",
      families: [],
      requestIds: [],
      managers: [],
    });
  });

  it("plans the check-in fourteen days after the start at 10:00 and then every thirty days", () => {
    const start = new Date("2026-11-25T15:00:00Z");
    expect(checkinDueAt(start, 0, "Europe/Berlin").toISOString()).toBe("2026-12-09T09:00:00.000Z");
    expect(checkinDueAt(start, 1, "Europe/Berlin").toISOString()).toBe("2027-01-08T09:00:00.000Z");
    expect(checkinDueAt(start, 5, "Europe/Berlin").toISOString()).toBe("2027-05-08T08:00:00.000Z"); // summer time
  });
});
