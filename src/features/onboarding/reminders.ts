import { formatDate, translator } from "../../i18n.js";
import type { DueReminder, ReminderContext, ReminderSource, Review } from "../../jobs/reminder-source.js";
import { retentionKeyboard } from "./keyboards.js";
import { erasureAfterNotice, noticeKey, nothingRunning } from "./retention.js";

/**
 * The notice before the automatic erasure (see retention.ts). Its rows are planned by the daily
 * retention job, not every minute; here they are re-checked and worded at send time.
 */
export const retentionReminders: ReminderSource = {
  kinds: ["retention_notice"],
  plan: () => Promise.resolve([]),
  review: reviewNotices,
};

async function reviewNotices(
  { db, timeZone }: ReminderContext,
  due: readonly DueReminder[],
  now: Date,
): Promise<Map<number, Review>> {
  const idle = await db.person.findMany({
    where: { id: { in: due.map((reminder) => reminder.personId) }, ...nothingRunning(now) },
    select: { id: true },
  });
  const idleIds = new Set(idle.map((person) => person.id));
  const reviews = new Map<number, Review>();
  for (const reminder of due) {
    const { person } = reminder;
    if (!person.lastActiveAt || reminder.dedupeKey !== noticeKey(person.id, person.lastActiveAt)) {
      reviews.set(reminder.id, { send: false, reason: "active again" });
    } else if (!idleIds.has(person.id)) {
      reviews.set(reminder.id, { send: false, reason: "something is running" });
    } else {
      const t = translator(person.language);
      const text = t("retention.notice", {
        lastActive: formatDate(person.lastActiveAt, person.language, timeZone),
        eraseOn: formatDate(erasureAfterNotice(now), person.language, timeZone),
      });
      reviews.set(reminder.id, { send: true, text, reply_markup: retentionKeyboard(t), allowedInQuietHours: false });
    }
  }
  return reviews;
}
