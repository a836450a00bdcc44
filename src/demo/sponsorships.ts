import type { Prisma } from "../db.js";
import { periodContaining, shiftPeriod } from "../features/indicators/periods.js";
import type { ManualIndicator } from "../features/indicators/service.js";
import { BERLIN, daysBefore } from "./calendar.js";
import type { DemoFiles, DemoRequest } from "./files.js";
import type { Demo } from "./people.js";

type Tx = Prisma.TransactionClient;

/** The families' requests of sponsorships.yaml; once only: a database whose courses were removed still has them. */
export async function createSponsorshipHistory(tx: Tx, files: DemoFiles, demo: Demo): Promise<void> {
  const { requests } = files.sponsorships;
  const families = requests.map((request) => demo.person(request.family, "sponsorships.yaml").id);
  if ((await tx.sponsorshipRequest.count({ where: { personId: { in: families } } })) > 0) return;
  for (const request of requests) await createRequest(tx, request, demo);
}

/** A request as the bot leaves it: matched while its sponsorship runs, closed once the sponsor ended it. */
async function createRequest(tx: Tx, request: DemoRequest, demo: Demo) {
  const { family, areas, languages, contactTimes, askedDaysAgo, match, ...fields } = request;
  const matchedAt = match ? demo.calendar.daysAgo(askedDaysAgo - match.afterDays) : null;
  const endedAt = match?.endedDaysAgo === undefined ? null : demo.calendar.daysAgo(match.endedDaysAgo);
  const row = await tx.sponsorshipRequest.create({
    data: {
      ...fields,
      personId: demo.person(family, "sponsorships.yaml").id,
      areas: JSON.stringify(areas),
      languages: JSON.stringify(languages),
      contactTimes: JSON.stringify(contactTimes),
      status: matchedAt === null ? "open" : endedAt ? "closed" : "matched",
      createdAt: demo.calendar.daysAgo(askedDaysAgo),
      matchedAt,
      closedAt: endedAt,
    },
  });
  if (!match || !matchedAt) return;
  const sponsorId = demo.person(match.sponsor, "sponsorships.yaml").id;
  const sponsor = await tx.sponsorProfile.findUnique({ where: { personId: sponsorId } });
  if (sponsor?.status !== "active")
    throw new Error(`prisma/demo/sponsorships.yaml: "${match.sponsor}" is no active sponsor`);
  await tx.sponsorship.create({
    data: {
      requestId: row.id,
      sponsorId: sponsor.id,
      status: endedAt ? "ended" : "active",
      proposedAt: daysBefore(matchedAt, 1),
      respondedAt: matchedAt,
      startedAt: matchedAt,
      endedAt,
      endReason: endedAt ? "ended_by_sponsor" : null,
    },
  });
}

const OFFENCES: ManualIndicator = "offences";

/** The police figures of offences.yaml, entered by the manager; a value a manager entered for that quarter wins. */
export async function recordOffences(tx: Tx, files: DemoFiles, demo: Demo): Promise<void> {
  const { source, enteredBy, quarters } = files.offences;
  const enteredById = demo.person(enteredBy, "offences.yaml").id;
  const quarter = periodContaining("quarter", demo.now, BERLIN);
  for (const { quartersAgo, value } of quarters) {
    const key = {
      indicator: OFFENCES,
      periodKind: "quarter" as const,
      periodStart: shiftPeriod(quarter, -quartersAgo, BERLIN).start,
    };
    await tx.manualIndicatorValue.upsert({
      where: { indicator_periodKind_periodStart: key },
      update: {},
      create: { ...key, value, source, enteredById },
    });
  }
}
