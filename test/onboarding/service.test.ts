import { afterAll, describe, expect, it } from "vitest";
import { findOrCreatePerson } from "../../src/features/onboarding/service.js";
import { createTestDb } from "../support/db.js";

const { db } = createTestDb();
afterAll(() => db.$disconnect());

describe("first contact", () => {
  it("stores nothing but the Telegram id, chat and language, and Prisma reads the row as it wrote it", async () => {
    const before = new Date();
    const person = await findOrCreatePerson(db, { telegramId: 4711, chatId: 4711, language: "ru" }, []);
    const stored = await db.person.findUniqueOrThrow({ where: { id: person.id } });
    expect(person).toMatchObject({
      telegramId: 4711n,
      chatId: 4711n,
      language: "ru",
      firstName: null,
      consentAt: null,
      courseReminders: true,
      roles: [],
    });
    expect(stored.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(stored.updatedAt).toEqual(stored.createdAt);
    const { roles, ...columns } = person;
    expect(roles).toEqual([]);
    expect(columns).toEqual(stored);
  });

  it("two first updates of one person at once leave one person", async () => {
    const identity = { telegramId: 4712, chatId: 4712, language: "de" as const };
    const [first, second] = await Promise.all([
      findOrCreatePerson(db, identity, []),
      findOrCreatePerson(db, identity, []),
    ]);
    expect(second.id).toBe(first.id);
    expect(await db.person.count({ where: { telegramId: 4712n } })).toBe(1);
  });

  it("gives an admin from the configuration the manager role once", async () => {
    const identity = { telegramId: 4713, chatId: 4713, language: "de" as const };
    expect((await findOrCreatePerson(db, identity, [4713])).roles).toEqual(["manager"]);
    expect((await findOrCreatePerson(db, identity, [4713])).roles).toEqual(["manager"]);
    expect(await db.roleGrant.count({ where: { person: { telegramId: 4713n } } })).toBe(1);
  });
});
