import { translator } from "../../i18n.js";
import type {
  DueReminder,
  PlannedReminder,
  ReminderContext,
  ReminderSource,
  Review,
} from "../../jobs/reminder-source.js";
import { addDays, calendarDayOf, clockTimeOn } from "../../time.js";
import { checkinKeyboard } from "./keyboards.js";
import { SPONSOR_TIMEOUT_SUFFIX, expireOffer } from "./service.js";

/**
 * Reminders of sponsorships:
 * - check-in: the sponsor is asked "How is it going?" at 10:00 fourteen days after the start and
 *   then every thirty days, as long as the sponsorship is active;
 * - offer time-out: two rows are created with the offer (service.proposeSponsor), for the manager
 *   who made it and for the sponsor; if the sponsor has not answered when they are due, the offer
 *   expires, the manager is told to pick again and the sponsor that the offer is over.
 */

const FIRST_CHECKIN_DAYS = 14;
const CHECKIN_EVERY_DAYS = 30;
const CHECKIN_TIME = "10:00";
/** Check-ins are planned a day ahead; only the latest one due is planned, so downtime sends one, not many. */
const PLANNING_HORIZON_MS = 24 * 60 * 60_000;

/** When check-in number `index` (0, 1, …) of a sponsorship that started at `startedAt` is due. */
export function checkinDueAt(startedAt: Date, index: number, timeZone: string): Date {
  const day = addDays(calendarDayOf(startedAt, timeZone), FIRST_CHECKIN_DAYS + index * CHECKIN_EVERY_DAYS);
  return clockTimeOn(day, CHECKIN_TIME, timeZone);
}

/** The latest check-in due before `until`, or undefined when the first is not yet near. */
function latestCheckin(startedAt: Date, until: Date, timeZone: string): { index: number; dueAt: Date } | undefined {
  let latest: { index: number; dueAt: Date } | undefined;
  for (let index = 0; ; index++) {
    const dueAt = checkinDueAt(startedAt, index, timeZone);
    if (dueAt > until) return latest;
    latest = { index, dueAt };
  }
}

export const sponsorshipReminders: ReminderSource = {
  kinds: ["sponsorship_checkin", "sponsorship_offer_timeout"],
  plan: planCheckins,
  review: reviewSponsorshipReminders,
};

async function planCheckins({ db, timeZone }: ReminderContext, now: Date): Promise<PlannedReminder[]> {
  const until = new Date(now.getTime() + PLANNING_HORIZON_MS);
  const active = await db.sponsorship.findMany({
    where: { status: "active", startedAt: { not: null } },
    select: { id: true, startedAt: true, sponsor: { select: { personId: true } } },
  });
  return active.flatMap((sponsorship) => {
    const next = sponsorship.startedAt && latestCheckin(sponsorship.startedAt, until, timeZone);
    if (!next) return [];
    return [
      {
        kind: "sponsorship_checkin" as const,
        dedupeKey: `sponsorship_checkin:sponsorship:${sponsorship.id}:${next.index}`,
        personId: sponsorship.sponsor.personId,
        dueAt: next.dueAt,
        sponsorshipId: sponsorship.id,
      },
    ];
  });
}

async function reviewSponsorshipReminders(
  { db }: ReminderContext,
  due: readonly DueReminder[],
  now: Date,
): Promise<Map<number, Review>> {
  const ids = due.map((reminder) => reminder.sponsorshipId).filter((id) => id !== null);
  const sponsorships = new Map(
    (await db.sponsorship.findMany({ where: { id: { in: ids } } })).map((sponsorship) => [sponsorship.id, sponsorship]),
  );
  const reviews = new Map<number, Review>();
  for (const reminder of due) {
    const sponsorship = reminder.sponsorshipId === null ? undefined : sponsorships.get(reminder.sponsorshipId);
    const t = translator(reminder.person.language);
    if (!sponsorship) {
      reviews.set(reminder.id, { send: false, reason: "sponsorship gone" });
    } else if (reminder.kind === "sponsorship_checkin") {
      reviews.set(
        reminder.id,
        sponsorship.status === "active"
          ? {
              send: true,
              text: t("sponsorship.checkin_question"),
              reply_markup: checkinKeyboard(t, sponsorship.id),
              allowedInQuietHours: false,
            }
          : { send: false, reason: "sponsorship not active" },
      );
    } else {
      const expired = await expireOffer(db, sponsorship.id, now);
      const toSponsor = reminder.dedupeKey.endsWith(SPONSOR_TIMEOUT_SUFFIX);
      const text = toSponsor
        ? t("sponsorship.offer_timed_out_sponsor")
        : t("sponsorship.offer_timed_out", { request: sponsorship.requestId });
      reviews.set(
        reminder.id,
        expired ? { send: true, text, allowedInQuietHours: false } : { send: false, reason: "the sponsor answered" },
      );
    }
  }
  return reviews;
}
