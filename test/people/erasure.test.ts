import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { answerOffer, proposeSponsor } from "../../src/features/sponsorship/service.js";
import { erasePersonData } from "../../src/people/erasure.js";
import { createTestDb } from "../support/db.js";
import { familyRequest, makePerson, makeSponsor } from "../support/fixtures.js";

const NOW = new Date("2026-11-25T10:00:00Z");

let db: Db;
beforeEach(() => {
  ({ db } = createTestDb());
});
afterEach(async () => {
  await db.$disconnect();
});

describe("erasePersonData", () => {
  it("runs every feature's part: conversation, roles, reminders, sponsorships, the person row", async () => {
    const sponsor = await makeSponsor(db, { name: "Bernd", chatId: 880_001, manager: true });
    const family = await makePerson(db, { name: "Olena", chatId: 880_002, language: "ru" });
    const requestId = await familyRequest(db, "Olena", { personId: family.id });
    const manager = await makePerson(db, { name: "Maria", manager: true });
    const proposed = await proposeSponsor(
      db,
      { id: manager.id, roles: ["manager"] },
      requestId,
      sponsor.profileId,
      NOW,
    );
    if (proposed.outcome !== "proposed") throw new Error("no offer");
    await answerOffer(db, sponsor.personId, proposed.sponsorshipId, "accept", NOW);
    await db.conversationState.create({ data: { key: "880001", value: "{}" } });
    await db.reminder.create({
      data: { kind: "retention_notice", dedupeKey: "erasure-test", personId: sponsor.personId, dueAt: NOW },
    });

    const result = await erasePersonData(db, sponsor.personId, NOW);

    expect(result.otherSide).toEqual([{ personId: family.id, chatId: 880_002n, language: "ru" }]);
    expect(result.requestIds).toEqual([requestId]);
    expect(result.managers.map((recipient) => recipient.personId)).toEqual([manager.id]);
    expect(await db.conversationState.count({ where: { key: "880001" } })).toBe(0);
    expect(await db.roleGrant.count({ where: { personId: sponsor.personId } })).toBe(0);
    expect(await db.reminder.count({ where: { personId: sponsor.personId, sentAt: null } })).toBe(0);
    expect(await db.sponsorProfile.findUniqueOrThrow({ where: { personId: sponsor.personId } })).toMatchObject({
      status: "withdrawn",
      phone: null,
      about: null,
    });
    expect(await db.sponsorshipRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: "open",
    });
    expect(await db.person.findUniqueOrThrow({ where: { id: sponsor.personId } })).toMatchObject({
      telegramId: null,
      chatId: null,
      firstName: null,
      erasedAt: NOW,
    });
  });

  it("erases nothing when the automatic erasure is no longer due", async () => {
    const person = await makePerson(db, { name: "Uwe", chatId: 880_003 });
    expect(await erasePersonData(db, person.id, NOW, () => Promise.resolve(false))).toBeUndefined();
    expect(await db.person.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({
      firstName: "Uwe",
      erasedAt: null,
    });
  });
});
