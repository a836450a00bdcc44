import type { Db } from "../../src/db.js";
import type { CourseInput } from "../../src/features/courses/management/service.js";
import {
  createRequest,
  decideSponsor,
  submitSponsorProfile,
  type RequestInput,
  type SponsorInput,
} from "../../src/features/sponsorship/service.js";

/** The office itself acting, for fixtures: services accept managers only for these calls. */
export const OFFICE = { id: 0, roles: ["manager" as const] };

/** A German course on Tuesday mornings from December 2026; override what a test is about. */
export function courseInput(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    titleDe: "Deutsch A1 – Alltag",
    titleRu: "Немецкий A1 — быт",
    descriptionDe: "Deutsch für den Alltag in Belm.",
    descriptionRu: "Немецкий для повседневной жизни в Бельме.",
    category: "language",
    capacity: 3,
    attendanceThreshold: 0.75,
    place: "Integrationswerkstatt, Marktring 8",
    instructorId: null,
    firstDay: { year: 2026, month: 12, day: 1 },
    lastDay: { year: 2027, month: 1, day: 31 },
    weekly: [{ weekday: 2, from: "09:00", to: "12:00" }],
    ...overrides,
  };
}

export interface PersonFixture {
  name: string;
  chatId?: number;
  language?: "de" | "ru";
  username?: string;
  manager?: boolean;
}

let fixtureIds = 990_000;

/** A consenting person, made directly in the database (no chat unless given). */
export async function makePerson(db: Db, fixture: PersonFixture) {
  fixtureIds += 1;
  return db.person.create({
    data: {
      telegramId: BigInt(fixture.chatId ?? fixtureIds),
      chatId: fixture.chatId === undefined ? null : BigInt(fixture.chatId),
      firstName: fixture.name,
      username: fixture.username ?? null,
      language: fixture.language ?? "de",
      consentAt: new Date("2026-01-01T00:00:00Z"),
      roles: fixture.manager ? { create: { role: "manager" } } : undefined,
    },
  });
}

/** A sponsor speaking German and Russian, helping with authorities in Belm in the evenings; approved unless `approve: false`. */
export async function makeSponsor(
  db: Db,
  fixture: PersonFixture & Partial<SponsorInput> & { approve?: boolean; personId?: number },
): Promise<{ personId: number; profileId: number }> {
  const personId = fixture.personId ?? (await makePerson(db, fixture)).id;
  const input: SponsorInput = {
    languages: fixture.languages ?? ["de", "ru"],
    areas: fixture.areas ?? ["authorities"],
    districts: fixture.districts ?? ["belm"],
    availability: fixture.availability ?? ["evening"],
    maxFamilies: fixture.maxFamilies ?? 2,
    about: undefined,
    phone: fixture.phone,
  };
  const result = await submitSponsorProfile(db, personId, input, new Date("2026-11-01T10:00:00Z"));
  if (result.outcome !== "submitted") throw new Error("sponsor fixture already exists");
  if (fixture.approve !== false)
    await decideSponsor(db, OFFICE, result.profileId, "approve", new Date("2026-11-01T10:00:00Z"));
  return { personId, profileId: result.profileId };
}

/** An open request of a Russian-speaking family in Vehrte that needs help with authorities. */
export async function familyRequest(
  db: Db,
  name: string,
  options: Partial<RequestInput> & { personId?: number } = {},
): Promise<number> {
  const { personId, ...overrides } = options;
  const person = personId ?? (await makePerson(db, { name, language: "ru" })).id;
  const result = await createRequest(
    db,
    person,
    {
      areas: ["authorities"],
      languages: ["ru"],
      district: "vehrte",
      familySize: undefined,
      childrenAges: undefined,
      contactTimes: ["evening"],
      note: undefined,
      phone: undefined,
      ...overrides,
    },
    new Date("2026-11-20T10:00:00Z"),
  );
  if (result.outcome !== "created") throw new Error("request fixture: already open");
  return result.requestId;
}
