import type { Prisma } from "../db.js";
import { daysBefore, type DemoCalendar } from "./calendar.js";
import type { DemoFiles, DemoPerson, DemoResident, DemoSponsor } from "./files.js";

type Tx = Prisma.TransactionClient;

/** A demo person as stored. */
export interface SeededPerson {
  id: number;
  telegramId: bigint;
  fullName: string;
  consentAt: Date;
}

/** Where the demo stands: its calendar and the people it made, by their `ref` in the files. */
export class Demo {
  constructor(
    readonly calendar: DemoCalendar,
    private readonly people: ReadonlyMap<string, SeededPerson>,
    /** The residents in the order of people.yaml; past events take them in turn. */
    readonly residents: readonly SeededPerson[],
  ) {}

  get now(): Date {
    return this.calendar.now;
  }

  /** The person a file names; a name nobody has is a mistake in the files. */
  person(ref: string, where: string): SeededPerson {
    const person = this.people.get(ref);
    if (!person) throw new Error(`prisma/demo/${where}: "${ref}" is no ref of people.yaml`);
    return person;
  }
}

/**
 * Stores the people of people.yaml with their roles and sponsor profiles. Upserts, so a database
 * whose courses were removed but whose demo people remain can be seeded again.
 */
export async function createPeople(tx: Tx, files: DemoFiles, calendar: DemoCalendar): Promise<Demo> {
  const { people, residents } = files.people;
  const seeded = new Map<string, SeededPerson>();
  const store = async (person: DemoResident) => {
    if (seeded.has(person.ref)) throw new Error(`prisma/demo/people.yaml: "${person.ref}" appears twice`);
    const row = await upsertPerson(tx, person, calendar.now);
    const stored: SeededPerson = {
      id: row.id,
      telegramId: BigInt(person.telegramId),
      fullName: `${person.firstName} ${person.lastName}`,
      consentAt: row.consentAt ?? calendar.daysAgo(person.joinedDaysAgo),
    };
    seeded.set(person.ref, stored);
    return stored;
  };
  for (const person of people) await store(person);
  const seededResidents: SeededPerson[] = [];
  for (const resident of residents) seededResidents.push(await store(resident));
  const demo = new Demo(calendar, seeded, seededResidents);
  // The manager stands for an admin bootstrapped from ADMIN_TELEGRAM_IDS, so nobody granted that role.
  const manager = people.find((person) => person.roles.includes("manager"));
  const grantedBy = manager ? demo.person(manager.ref, "people.yaml").id : null;
  for (const person of people) {
    const { id } = demo.person(person.ref, "people.yaml");
    await grantRoles(tx, person, id, person === manager ? null : grantedBy);
    if (person.sponsor) await upsertSponsorProfile(tx, id, person.sponsor, calendar.daysAgo(person.joinedDaysAgo));
  }
  return demo;
}

async function upsertPerson(tx: Tx, person: DemoResident, now: Date) {
  const telegramId = BigInt(person.telegramId);
  return tx.person.upsert({
    where: { telegramId },
    update: {},
    create: {
      telegramId,
      // No chat: demo people must never receive a message, and negative chat ids are real groups.
      chatId: null,
      language: person.language,
      firstName: person.firstName,
      lastName: person.lastName,
      district: person.district,
      consentAt: daysBefore(now, person.joinedDaysAgo),
    },
  });
}

async function grantRoles(tx: Tx, person: DemoPerson, personId: number, grantedById: number | null) {
  for (const role of person.roles) {
    await tx.roleGrant.upsert({
      where: { personId_role: { personId, role } },
      update: {},
      create: { personId, role, grantedById },
    });
  }
}

async function upsertSponsorProfile(tx: Tx, personId: number, sponsor: DemoSponsor, joinedAt: Date) {
  const decided = sponsor.status !== "pending";
  const twoDays = 2 * 24 * 60 * 60 * 1000;
  await tx.sponsorProfile.upsert({
    where: { personId },
    update: {},
    create: {
      personId,
      languages: JSON.stringify(sponsor.languages),
      areas: JSON.stringify(sponsor.areas),
      districts: JSON.stringify(sponsor.districts),
      availability: JSON.stringify(sponsor.availability),
      maxFamilies: sponsor.maxFamilies,
      about: sponsor.about,
      shareContact: sponsor.shareContact,
      status: sponsor.status,
      decidedAt: decided ? new Date(joinedAt.getTime() + twoDays) : null,
    },
  });
}
