import { Prisma, type Db } from "../db.js";
import type { Person, Reminder, ReminderKind } from "../generated/prisma/client.js";

/**
 * What a reminder source is (see jobs/reminders.ts, which runs them): the types a feature
 * implements to add its reminders, and the one way to create reminder rows. Features and the job
 * both import this module, so neither depends on the other through it.
 */

/** A reminder a source wants to exist; the ids tie it to what it is about. */
export interface PlannedReminder {
  kind: ReminderKind;
  dedupeKey: string;
  personId: number;
  dueAt: Date;
  sessionId?: number;
  eventId?: number;
  sponsorshipId?: number;
  enrollmentId?: number;
}

/**
 * Buttons under a message as the Bot API takes them. Sources build them with grammY's
 * InlineKeyboard; this module only needs their shape, so it stays free of grammY.
 */
export interface ReplyButtons {
  readonly inline_keyboard: readonly (readonly ReplyButton[])[];
}

export interface ReplyButton {
  readonly text: string;
  readonly callback_data?: string;
  readonly url?: string;
}

export type DueReminder = Reminder & { person: Person };

/** What a source says about a due reminder at send time. */
export type Review =
  | {
      send: true;
      text: string;
      /** Buttons to answer with, e.g. the sponsorship check-in's "fine / need help / ended". */
      reply_markup?: ReplyButtons;
      /** True for the few reminders that may wake people, e.g. the 2-hour reminder of an early session. */
      allowedInQuietHours: boolean;
    }
  | { send: false; reason: string };

export interface ReminderContext {
  db: Db;
  timeZone: string;
}

export interface ReminderSource {
  kinds: readonly ReminderKind[];
  plan(context: ReminderContext, now: Date): Promise<PlannedReminder[]>;
  /** Re-checks due reminders of its kinds; one entry per reminder id. */
  review(context: ReminderContext, due: readonly DueReminder[], now: Date): Promise<Map<number, Review>>;
}

/** Rows per INSERT; each row binds 9 parameters, far below SQLite's limit. */
const INSERT_CHUNK = 500;

/** Creates the rows whose dedupeKey does not exist yet (also for jobs that plan on their own schedule); returns how many. */
export async function addReminders(db: Db, planned: readonly PlannedReminder[], now: Date): Promise<number> {
  let created = 0;
  for (let start = 0; start < planned.length; start += INSERT_CHUNK) {
    created += await insertNew(db, planned.slice(start, start + INSERT_CHUNK), now);
  }
  return created;
}

/** Creates the rows whose dedupeKey does not exist yet, in one statement; returns how many. */
async function insertNew(db: Db, reminders: readonly PlannedReminder[], now: Date): Promise<number> {
  if (reminders.length === 0) return 0;
  const rows = reminders.map(
    (reminder) =>
      Prisma.sql`(${reminder.kind}, ${reminder.dedupeKey}, ${reminder.personId}, ${reminder.dueAt}, ${reminder.sessionId ?? null},
        ${reminder.eventId ?? null}, ${reminder.sponsorshipId ?? null}, ${reminder.enrollmentId ?? null}, ${now})`,
  );
  return db.$executeRaw`
    INSERT INTO "Reminder" ("kind", "dedupeKey", "personId", "dueAt", "sessionId", "eventId", "sponsorshipId", "enrollmentId", "createdAt")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}
