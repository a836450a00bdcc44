import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { revokeRole } from "../../src/features/team/service.js";
import { ForbiddenError } from "../../src/people/roles.js";
import { onboard, type RunningTestBot, startBotTestEnvironment, stopBotTestEnvironment } from "../support/app.js";
import { type FakeTelegram } from "../support/fake-telegram.js";
import type { TelegramUser } from "../support/user.js";

const MANAGER_ID = 7001;
let fake: FakeTelegram;
let db: Db;
let running: RunningTestBot;
/** One driver for the manager across tests: it remembers which replies were read. */
let boss: TelegramUser;

beforeAll(async () => {
  ({ fake, db, running } = await startBotTestEnvironment({ adminTelegramIds: [MANAGER_ID] }));
});
afterAll(() => stopBotTestEnvironment({ fake, db, running }));

async function rolesOf(telegramId: number): Promise<string[]> {
  const person = await db.person.findUniqueOrThrow({
    where: { telegramId: BigInt(telegramId) },
    include: { roles: true },
  });
  return person.roles.map((grant) => grant.role);
}

describe("/team", () => {
  it("a manager makes a Russian-speaking resident an instructor, who is told and sees their courses", async () => {
    boss = fake.user({ id: MANAGER_ID, firstName: "Petra", lastName: "Quartier", languageCode: "de" });
    const natalia = fake.user({
      id: 7002,
      firstName: "Наталья",
      lastName: "Беккер",
      username: "natalia_b",
      languageCode: "ru",
    });
    await onboard(boss);
    await onboard(natalia);

    boss.send("/team");
    expect((await boss.nextReply()).text).toContain("• Petra Quartier – Quartiersmanagement");
    boss.tap("➕ Rolle vergeben");
    expect((await boss.nextReply()).text).toContain("Telegram-Benutzernamen");
    boss.send("hello world");
    expect((await boss.nextReply()).text).toContain("Bitte einen Benutzernamen");
    boss.send("@nobody_here");
    expect((await boss.nextReply()).text).toContain("Ich finde niemanden");
    boss.send("@natalia_b");
    expect((await boss.nextReply()).text).toBe("Welche Rolle soll Наталья Беккер bekommen?");
    boss.tap("Kursleitung");
    expect((await boss.nextReply()).text).toBe("Наталья Беккер bekommt die Rolle „Kursleitung“. Richtig?");
    boss.tap("✅ Ja, Rolle vergeben");
    await boss.nextReply();
    expect((await boss.nextReply()).text).toBe("Erledigt: Наталья Беккер hat jetzt die Rolle „Kursleitung“.");
    expect((await natalia.nextReply()).text).toBe(
      "Теперь вы преподаватель в боте. В /managecourses вы увидите свои курсы.",
    );
    expect(await rolesOf(7002)).toEqual(["instructor"]);

    natalia.send("/managecourses");
    expect((await natalia.nextReply()).text).toBe("У вас пока нет курсов.");
  });

  it("takes a role back, but never the manager's own", async () => {
    boss.send("/team");
    await boss.nextReply();
    boss.tap("➖ Наталья Беккер: Kursleitung entziehen");
    await boss.nextReply();
    boss.tap("Ja, wirklich");
    expect((await boss.nextReply()).text).toBe("Die Rolle ist entzogen.");
    expect(await rolesOf(7002)).toEqual([]);

    boss.send("/team");
    await boss.nextReply();
    boss.tap("➖ Petra Quartier: Quartiersmanagement entziehen");
    await boss.nextReply();
    boss.tap("Ja, wirklich");
    expect((await boss.nextReply()).text).toContain("Ihre eigene Rolle");
    expect(await rolesOf(MANAGER_ID)).toEqual(["manager"]);
  });

  it("refuses residents, including forged buttons, and changes nothing", async () => {
    const eve = fake.user({ id: 7003, firstName: "Eve", languageCode: "de" });
    await onboard(eve);
    eve.send("/team");
    expect((await eve.nextReply()).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    const grant = await db.roleGrant.findFirstOrThrow({ where: { role: "manager" } });
    const query = eve.tapData(`team:revoke_yes:${grant.id}`);
    expect((await eve.callbackAnswered(query)).text).toBe("Das dürfen nur Mitarbeitende des Quartiersmanagements.");
    const person = await db.person.findUniqueOrThrow({ where: { telegramId: 7003n } });
    await expect(revokeRole(db, { id: person.id, roles: [] }, grant.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.roleGrant.count({ where: { id: grant.id } })).toBe(1);
  });
});
