import type { Db, Prisma } from "../../db.js";
import type { ReminderKind } from "../../generated/prisma/client.js";
import { formatDateTime, languageOf, localized, translator } from "../../i18n.js";
import type {
  DueReminder,
  PlannedReminder,
  ReminderContext,
  ReminderSource,
  Review,
} from "../../jobs/reminder-source.js";
import {
  PLANNING_HORIZON_MS,
  dayHasBegun,
  eveningBefore,
  remindablePeople,
  shortlyBefore,
  startsEarly,
} from "../../jobs/reminder-times.js";

/**
 * Reminders of appointments (course sessions, events) for the people taking part: the evening
 * before at 18:00 and two hours before the start, on the office's clock. Each feature tells what
 * its appointments are and who takes part; the timing and the checks at send time are the same.
 */

/** Something at a time and a place that people take part in. */
export interface Appointment {
  startsAt: Date;
  cancelledAt: Date | null;
  place: string;
  /** What it is called, in both languages (a session by its course). */
  named: { titleDe: string; titleRu: string };
}

/** Someone taking part in an appointment ahead, with what their reminders are tied to. */
export interface Participant {
  personId: number;
  /** Makes the reminder's dedupe key unique after its kind, e.g. "event:4:person:9". */
  key: string;
  ids: Pick<PlannedReminder, "sessionId" | "eventId" | "enrollmentId">;
}

/** What a due reminder is about, read again at send time. */
export interface DueAppointment {
  appointment: Appointment | undefined;
  /** Why the person no longer takes part, if they do not (e.g. "not enrolled"). */
  notTakingPart: string | undefined;
}

type Switch = "courseReminders" | "eventReminders";

export interface AppointmentReminders {
  kinds: { evening: ReminderKind; soon: ReminderKind };
  textKeys: { evening: string; soon: string };
  /** What one appointment is called in the log, e.g. "session". */
  noun: string;
  /** The person's switch for these reminders. */
  switchedOn: Switch;
  /** The appointments starting in `window`, each with who takes part among `remindable` people. */
  upcoming(
    db: Db,
    window: { gt: Date; lte: Date },
    remindable: Prisma.PersonWhereInput,
  ): Promise<{ startsAt: Date; participants: Participant[] }[]>;
  /** Reads what the due reminders are about, at once; then answers for each. */
  lookUp(db: Db, due: readonly DueReminder[]): Promise<(reminder: DueReminder) => DueAppointment>;
}

const SWITCH_NAMES: Record<Switch, string> = { courseReminders: "course", eventReminders: "event" };

/** The reminder source of one kind of appointment. */
export function appointmentReminders(spec: AppointmentReminders): ReminderSource {
  const { evening, soon } = spec.kinds;
  const dueAtOf = (kind: ReminderKind, startsAt: Date, timeZone: string) =>
    kind === evening ? eveningBefore(startsAt, timeZone) : shortlyBefore(startsAt);
  const remindable = remindablePeople(spec.switchedOn);

  async function plan({ db, timeZone }: ReminderContext, now: Date): Promise<PlannedReminder[]> {
    const appointments = await spec.upcoming(
      db,
      { gt: now, lte: new Date(now.getTime() + PLANNING_HORIZON_MS) },
      remindable,
    );
    return appointments.flatMap((appointment) =>
      appointment.participants.flatMap((participant) =>
        [evening, soon].map((kind) => ({
          kind,
          dedupeKey: `${kind}:${participant.key}`,
          personId: participant.personId,
          dueAt: dueAtOf(kind, appointment.startsAt, timeZone),
          ...participant.ids,
        })),
      ),
    );
  }

  function reviewOne(
    reminder: DueReminder,
    { appointment, notTakingPart }: DueAppointment,
    now: Date,
    timeZone: string,
  ): Review {
    if (!appointment || appointment.cancelledAt) return { send: false, reason: `${spec.noun} cancelled` };
    if (appointment.startsAt <= now) return { send: false, reason: `${spec.noun} started` };
    if (notTakingPart) return { send: false, reason: notTakingPart };
    if (!reminder.person[spec.switchedOn])
      return { send: false, reason: `${SWITCH_NAMES[spec.switchedOn]} reminders switched off` };
    // "Tomorrow" is wrong once the appointment's day has begun (the job was down); the 2-hour one follows.
    if (reminder.kind === evening && dayHasBegun(now, appointment.startsAt, timeZone))
      return { send: false, reason: `the ${spec.noun}'s day has begun` };
    const language = languageOf(reminder.person.language);
    const text = translator(language)(reminder.kind === evening ? spec.textKeys.evening : spec.textKeys.soon, {
      title: localized(appointment.named, "title", language),
      when: formatDateTime(appointment.startsAt, language, timeZone),
      place: appointment.place,
    });
    return {
      send: true,
      text,
      allowedInQuietHours: reminder.kind === soon && startsEarly(appointment.startsAt, timeZone),
    };
  }

  return {
    kinds: [evening, soon],
    plan,
    async review({ db, timeZone }, due, now) {
      const about = await spec.lookUp(db, due);
      return new Map(due.map((reminder) => [reminder.id, reviewOne(reminder, about(reminder), now, timeZone)]));
    },
  };
}

/** The ids of one field of the due reminders, for reading what they are about at once. */
export function idsOf(reminders: readonly DueReminder[], field: "sessionId" | "enrollmentId" | "eventId"): number[] {
  return reminders.map((reminder) => reminder[field]).filter((id) => id !== null);
}
