import type { Prisma } from "../../db.js";
import type { Recipient } from "../../people/recipient.js";
import { backInQueue, endRunningSponsorships, type BackInQueue } from "./requests.js";

type Tx = Prisma.TransactionClient;

/** What the sponsorships of an erased person leave to tell. */
export interface SponsorshipErasure extends BackInQueue {
  /** The other side of each running sponsorship that ended. */
  otherSide: Recipient[];
}

/**
 * The sponsorship part of erasing a person (see `erasePersonData` in src/people/erasure.ts):
 * the family's requests and the sponsor profile forget what was typed into them and are
 * withdrawn; running sponsorships end. Families of an erased sponsor get their request back in
 * the queue; sponsors of an erased family are free again.
 */
export async function eraseSponsorshipData(tx: Tx, personId: number, now: Date): Promise<SponsorshipErasure> {
  await tx.sponsorshipRequest.updateMany({
    where: { personId },
    data: { note: null, childrenAges: null, contactTimes: null, familySize: null, district: null, phone: null },
  });
  await tx.sponsorshipRequest.updateMany({
    where: { personId, status: { in: ["open", "matched"] } },
    data: { status: "withdrawn", closedAt: now },
  });
  await tx.sponsorProfile.updateMany({
    where: { personId },
    data: { about: null, districts: "[]", phone: null, status: "withdrawn" },
  });
  const asSponsor = await endRunningSponsorships(tx, { sponsor: { personId } }, "data_erased", now, true);
  const asFamily = await endRunningSponsorships(tx, { request: { personId } }, "data_erased", now, false);
  const otherSide = [
    ...asSponsor.map((ended) => ({ ...ended, other: ended.family })),
    ...asFamily.map((ended) => ({ ...ended, other: ended.sponsor })),
  ]
    .filter((ended) => ended.wasActive && ended.other.personId !== personId)
    .map((ended) => ended.other);
  return { otherSide, ...(await backInQueue(tx, asSponsor)) };
}
