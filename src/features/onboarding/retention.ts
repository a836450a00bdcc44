import type { Db, Prisma } from "../../db.js";
import type { Person } from "../../generated/prisma/client.js";
import { addReminders, type PlannedReminder } from "../../jobs/reminder-source.js";
import { erasePersonData } from "../../people/erasure.js";
import { shiftMonths } from "../../time.js";

/**
 * Storage limitation (DSGVO Art. 5 (1) e): a person who has not used the bot for the retention
 * period and has nothing running is erased by the same erasure as /deleteme. People who consented
 * are told NOTICE_DAYS before (a `retention_notice` reminder, once per quiet spell) and can keep
 * their data with a button; the erasure waits until the notice is NOTICE_DAYS old. Someone who
 * blocked the bot cannot be told and is erased once the notice would have been that old. People
 * who never consented hold only their Telegram id and language and are erased without notice.
 */

const DAY_MS = 86_400_000;
const NOTICE_DAYS = 30;
/** Activity is recorded at most once per day, so using the bot adds no write to most updates. */
const ACTIVITY_RESOLUTION_MS = DAY_MS;

export interface RetentionRunCounts {
  noticesPlanned: number;
  erased: number;
}

/** The earliest erasure after a notice sent at `sentAt`; the notice names this day. */
export function erasureAfterNotice(sentAt: Date): Date {
  return new Date(sentAt.getTime() + NOTICE_DAYS * DAY_MS);
}

/** True when the person's last recorded activity is older than a day (or missing). */
export function activityIsStale(lastActiveAt: Date | null, now: Date): boolean {
  return lastActiveAt === null || now.getTime() - lastActiveAt.getTime() >= ACTIVITY_RESOLUTION_MS;
}

/**
 * The person used the bot (or pressed "keep my data"): the retention period starts again. Raw,
 * because it runs on a person's first update of the day and Prisma's update (which reads the row
 * back) costs four times the CPU; `updatedAt` is left alone on purpose, it tracks changes of data.
 */
export async function recordActivity(db: Db, personId: number, now: Date): Promise<void> {
  await db.$executeRaw`UPDATE Person SET lastActiveAt = ${now} WHERE id = ${personId}`;
}

/** One quiet spell of a person is identified by the activity it starts from: one notice each. */
export function noticeKey(personId: number, lastActiveAt: Date): string {
  return `retention_notice:person:${personId}:${lastActiveAt.toISOString()}`;
}

/**
 * Nothing that still needs the person's data: no seat or waiting place in a course, no sign-up for
 * an event that has not ended, no open request or running (or offered) sponsorship, no open course
 * or coming event they lead.
 */
export function nothingRunning(now: Date): Prisma.PersonWhereInput {
  return {
    enrollments: { none: { status: { in: ["active", "waitlisted"] } } },
    rsvps: { none: { status: { in: ["going", "waitlisted"] }, event: { endsAt: { gt: now }, cancelledAt: null } } },
    sponsorshipRequests: { none: { status: { in: ["open", "matched"] } } },
    NOT: { sponsorProfile: { is: { sponsorships: { some: { status: { in: ["proposed", "active"] } } } } } },
    instructedCourses: { none: { status: "open" } },
    organisedEvents: { none: { endsAt: { gt: now }, cancelledAt: null } },
  };
}

/** Consenting people whose erasure is at most NOTICE_DAYS away and who have nothing running. */
async function planNotices(db: Db, retentionMonths: number, now: Date): Promise<number> {
  // Due for the notice when lastActiveAt + retention − NOTICE_DAYS ≤ now.
  const activeBefore = shiftMonths(erasureAfterNotice(now), -retentionMonths);
  const people = await db.person.findMany({
    where: {
      erasedAt: null,
      chatId: { not: null },
      consentAt: { not: null },
      lastActiveAt: { lte: activeBefore },
      ...nothingRunning(now),
    },
    select: { id: true, lastActiveAt: true },
  });
  const planned = people.flatMap(({ id, lastActiveAt }): PlannedReminder[] =>
    lastActiveAt
      ? [{ kind: "retention_notice", dedupeKey: noticeKey(id, lastActiveAt), personId: id, dueAt: now }]
      : [],
  );
  return addReminders(db, planned, now);
}

/**
 * A notice that was never sent for another reason than a block (something was running at send
 * time, or sending kept failing) is removed, so that it is planned again while it is still due.
 */
async function releaseUnsentNotices(db: Db): Promise<void> {
  await db.reminder.deleteMany({
    where: {
      kind: "retention_notice",
      sentAt: null,
      OR: [{ cancelledAt: { not: null } }, { failedAt: { not: null } }],
      person: { blockedAt: null },
    },
  });
}

type Candidate = Pick<Person, "id" | "lastActiveAt" | "consentAt" | "blockedAt"> & {
  reminders: { dedupeKey: string; sentAt: Date | null; createdAt: Date }[];
};

/** Whether the candidate's notice of this quiet spell is old enough (or could not reach a blocked person). */
function noticeExpired(person: Candidate, now: Date): boolean {
  if (person.consentAt === null) return true;
  if (!person.lastActiveAt) return false;
  const key = noticeKey(person.id, person.lastActiveAt);
  const notice = person.reminders.find((reminder) => reminder.dedupeKey === key);
  if (!notice) return false;
  if (notice.sentAt) return erasureAfterNotice(notice.sentAt) <= now;
  return person.blockedAt !== null && erasureAfterNotice(notice.createdAt) <= now;
}

/** Erases everyone whose retention period and notice have run out; each re-checked in its own transaction. */
async function eraseExpired(db: Db, retentionMonths: number, now: Date): Promise<number> {
  const activeBefore = shiftMonths(now, -retentionMonths);
  const candidates = await db.person.findMany({
    where: { erasedAt: null, telegramId: { not: null }, lastActiveAt: { lte: activeBefore }, ...nothingRunning(now) },
    select: {
      id: true,
      lastActiveAt: true,
      consentAt: true,
      blockedAt: true,
      reminders: { where: { kind: "retention_notice" }, select: { dedupeKey: true, sentAt: true, createdAt: true } },
    },
  });
  let erased = 0;
  for (const person of candidates.filter((candidate) => noticeExpired(candidate, now))) {
    // Unchanged activity and still nothing running, checked in the erasing transaction itself:
    // a press on "keep my data" or a new sign-up a moment ago wins.
    const stillDue = async (tx: Prisma.TransactionClient) =>
      (await tx.person.count({
        where: { id: person.id, erasedAt: null, lastActiveAt: person.lastActiveAt, ...nothingRunning(now) },
      })) === 1;
    if (await erasePersonData(db, person.id, now, stillDue)) erased += 1;
  }
  return erased;
}

/** The daily retention run: notices for those whose erasure is near, erasure for those whose notice has run out. */
export async function runRetention(db: Db, retentionMonths: number, now: Date): Promise<RetentionRunCounts> {
  await releaseUnsentNotices(db);
  const noticesPlanned = await planNotices(db, retentionMonths, now);
  const erased = await eraseExpired(db, retentionMonths, now);
  return { noticesPlanned, erased };
}
