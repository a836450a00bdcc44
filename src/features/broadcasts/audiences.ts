/** Who a broadcast goes to: the audiences a manager can pick, their sizes and the pickers' options. */
import { z } from "zod";
import type { Db, Prisma } from "../../db.js";
import { LANGUAGES } from "../../i18n.js";
import { assertRole, type Actor } from "../../people/roles.js";

export const AUDIENCE_KINDS = ["everyone", "language", "course", "event", "sponsors", "families", "district"] as const;
export const COURSE_AUDIENCE_STATUSES = ["active", "waitlisted"] as const;

/** Who a broadcast is for; stored as JSON on the broadcast, so it is parsed again when read. */
export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }),
  z.object({ kind: z.literal("language"), language: z.enum(LANGUAGES) }),
  z.object({
    kind: z.literal("course"),
    courseId: z.number().int().positive(),
    status: z.enum(COURSE_AUDIENCE_STATUSES),
  }),
  z.object({ kind: z.literal("event"), eventId: z.number().int().positive() }),
  z.object({ kind: z.literal("sponsors") }),
  z.object({ kind: z.literal("families") }),
  z.object({ kind: z.literal("district"), district: z.string().trim().min(1).max(100) }),
]);
export type Audience = z.infer<typeof audienceSchema>;

/** People the audience is about, reachable or not (erased people are no longer anybody). */
export function audienceWhere(audience: Audience): Prisma.PersonWhereInput {
  const base: Prisma.PersonWhereInput = { erasedAt: null, telegramId: { not: null } };
  switch (audience.kind) {
    case "everyone":
      return base;
    case "language":
      return { ...base, language: audience.language };
    case "course":
      return { ...base, enrollments: { some: { courseId: audience.courseId, status: audience.status } } };
    case "event":
      return { ...base, rsvps: { some: { eventId: audience.eventId, status: { in: ["going", "waitlisted"] } } } };
    case "sponsors":
      return { ...base, sponsorProfile: { status: "active" } };
    case "families":
      return { ...base, sponsorshipRequests: { some: { status: "open" } } };
    case "district":
      return { ...base, district: audience.district };
  }
}

/** Who may get a broadcast at all: consented, not blocked, announcements on, with a chat. */
export const REACHABLE: Prisma.PersonWhereInput = {
  chatId: { not: null },
  erasedAt: null,
  consentAt: { not: null },
  blockedAt: null,
  broadcastsEnabled: true,
};

export function isReachable(person: {
  chatId: bigint | null;
  erasedAt: Date | null;
  consentAt: Date | null;
  blockedAt: Date | null;
  broadcastsEnabled: boolean;
}): boolean {
  return (
    person.chatId !== null &&
    person.erasedAt === null &&
    person.consentAt !== null &&
    person.blockedAt === null &&
    person.broadcastsEnabled
  );
}

export interface AudienceSize {
  /** People who will get the broadcast. */
  reach: number;
  /** People of the audience left out: blocked the bot, no consent, or announcements switched off. */
  excluded: number;
}

export async function audienceSize(db: Db, actor: Actor, audience: Audience): Promise<AudienceSize> {
  assertRole(actor, "manager");
  const where = audienceWhere(audience);
  const [all, reach] = await Promise.all([
    db.person.count({ where }),
    db.person.count({ where: { AND: [where, REACHABLE] } }),
  ]);
  return { reach, excluded: all - reach };
}

const PICKER_LIMIT = 20;

/** A district people gave (Person.district) and how many people of the audience live there. */
export interface DistrictOption {
  district: string;
  people: number;
}

/** Courses the manager can address: open and not over yet. */
export async function courseOptions(db: Db, actor: Actor, now: Date) {
  assertRole(actor, "manager");
  return db.course.findMany({
    where: { status: "open", endsOn: { gte: now } },
    orderBy: { startsOn: "asc" },
    take: PICKER_LIMIT,
    select: { id: true, titleDe: true, titleRu: true },
  });
}

/** Events the manager can address: not cancelled and not over yet. */
export async function eventOptions(db: Db, actor: Actor, now: Date) {
  assertRole(actor, "manager");
  return db.event.findMany({
    where: { cancelledAt: null, endsAt: { gte: now } },
    orderBy: { startsAt: "asc" },
    take: PICKER_LIMIT,
    select: { id: true, titleDe: true, titleRu: true, startsAt: true },
  });
}

/** The districts people gave, with how many people of the audience live in each. */
export async function districtOptions(db: Db, actor: Actor): Promise<DistrictOption[]> {
  assertRole(actor, "manager");
  const districts = await db.person.groupBy({
    by: ["district"],
    where: { AND: [audienceWhere({ kind: "everyone" }), { district: { not: null } }] },
    _count: { _all: true },
    orderBy: { district: "asc" },
    take: PICKER_LIMIT,
  });
  return districts.flatMap((row) =>
    row.district === null ? [] : [{ district: row.district, people: row._count._all }],
  );
}
