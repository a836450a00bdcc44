import type { Db, Prisma } from "../../db.js";
import { recipientOf, type Recipient } from "../../people/recipient.js";
import { managerRecipients } from "../team/service.js";
import { OPEN_REQUEST, RUNNING, requestView, type RequestInput, type RequestView } from "./model.js";

/** Families' requests, and how running sponsorships end (the family's or the sponsor's side). */

type Tx = Prisma.TransactionClient;

export type CreateRequestResult =
  { outcome: "created"; requestId: number; managers: Recipient[] } | { outcome: "already_open" };

/** A resident asks for a sponsor; one open request per person. */
export async function createRequest(
  db: Db,
  personId: number,
  input: RequestInput,
  now: Date,
): Promise<CreateRequestResult> {
  return db.$transaction(async (tx) => {
    const open = await tx.sponsorshipRequest.count({ where: { personId, status: { in: [...OPEN_REQUEST] } } });
    if (open > 0) return { outcome: "already_open" };
    // The family's district is where the person lives: announcements by district reach them.
    await tx.person.update({ where: { id: personId }, data: { district: input.district } });
    const request = await tx.sponsorshipRequest.create({
      data: {
        personId,
        areas: JSON.stringify(input.areas),
        languages: JSON.stringify(input.languages),
        district: input.district,
        familySize: input.familySize ?? null,
        childrenAges: input.childrenAges ?? null,
        contactTimes: JSON.stringify(input.contactTimes),
        note: input.note ?? null,
        shareContact: input.phone !== undefined,
        phone: input.phone ?? null,
        createdAt: now,
      },
    });
    return { outcome: "created", requestId: request.id, managers: await managerRecipients(tx) };
  });
}

/** The person's open or matched request, if any. */
export async function myOpenRequest(db: Db, personId: number): Promise<RequestView | undefined> {
  const request = await db.sponsorshipRequest.findFirst({
    where: { personId, status: { in: [...OPEN_REQUEST] } },
    orderBy: { createdAt: "desc" },
  });
  return request ? requestView(request) : undefined;
}

export type WithdrawRequestResult = { outcome: "withdrawn"; sponsors: Recipient[] } | { outcome: "not_open" };

/** The family withdraws its request; a running sponsorship or offer ends and the sponsor is told. */
export async function withdrawRequest(
  db: Db,
  personId: number,
  requestId: number,
  now: Date,
): Promise<WithdrawRequestResult> {
  return db.$transaction(async (tx) => {
    const changed = await tx.sponsorshipRequest.updateMany({
      where: { id: requestId, personId, status: { in: [...OPEN_REQUEST] } },
      data: { status: "withdrawn", closedAt: now },
    });
    if (changed.count === 0) return { outcome: "not_open" };
    const ended = await endRunningSponsorships(tx, { requestId }, "family_withdrew", now, false);
    return { outcome: "withdrawn", sponsors: ended.map((end) => end.sponsor) };
  });
}

export interface EndedSponsorship {
  sponsorshipId: number;
  requestId: number;
  wasActive: boolean;
  /** The family's request waits in the queue again (the sponsor's side ended a match or an offer). */
  requestBackInQueue: boolean;
  family: Recipient;
  sponsor: Recipient;
}

/** Requests the sponsor's side put back into the queue, and the managers to tell at once. */
export interface BackInQueue {
  requestIds: number[];
  managers: Recipient[];
}

export async function backInQueue(tx: Tx, ended: readonly EndedSponsorship[]): Promise<BackInQueue> {
  const requestIds = [...new Set(ended.filter((end) => end.requestBackInQueue).map((end) => end.requestId))];
  return { requestIds, managers: requestIds.length === 0 ? [] : await managerRecipients(tx) };
}

/**
 * Ends the running sponsorships and offers that match `where` and drops their pending reminders.
 * With `reopenRequests` (the sponsor's side ended it) the families' requests go back into the
 * queue, so a manager can match them again. The ended rows keep their start and end: they are the
 * match history the indicators read, so ending one never changes a past period's figures.
 */
export async function endRunningSponsorships(
  tx: Tx,
  where: Prisma.SponsorshipWhereInput,
  endReason: string,
  now: Date,
  reopenRequests: boolean,
): Promise<EndedSponsorship[]> {
  const running = await tx.sponsorship.findMany({
    where: { ...where, status: { in: [...RUNNING] } },
    include: { request: { include: { person: true } }, sponsor: { include: { person: true } } },
  });
  if (running.length === 0) return [];
  const ids = running.map((sponsorship) => sponsorship.id);
  await tx.sponsorship.updateMany({ where: { id: { in: ids } }, data: { status: "ended", endedAt: now, endReason } });
  await tx.reminder.updateMany({
    where: { sponsorshipId: { in: ids }, sentAt: null, cancelledAt: null },
    data: { cancelledAt: now },
  });
  if (reopenRequests) {
    await tx.sponsorshipRequest.updateMany({
      where: { id: { in: running.map((sponsorship) => sponsorship.requestId) }, status: "matched" },
      data: { status: "open", matchedAt: null },
    });
  }
  // Only a sponsor's leaving puts requests back in the queue; otherwise none is reported back.
  const waiting = reopenRequests
    ? new Set(
        (
          await tx.sponsorshipRequest.findMany({
            where: { id: { in: running.map((sponsorship) => sponsorship.requestId) }, status: "open" },
            select: { id: true },
          })
        ).map((request) => request.id),
      )
    : new Set<number>();
  return running.map((sponsorship) => ({
    sponsorshipId: sponsorship.id,
    requestId: sponsorship.requestId,
    wasActive: sponsorship.status === "active",
    requestBackInQueue: reopenRequests && waiting.has(sponsorship.requestId),
    family: recipientOf(sponsorship.request.person),
    sponsor: recipientOf(sponsorship.sponsor.person),
  }));
}
