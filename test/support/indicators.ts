import type { Db } from "../../src/db.js";
import { wallClockToUtc } from "../../src/time.js";

/**
 * October 2026 in Belm, small enough to count by hand (the expected figures below are worked out
 * in the comments, not computed by the code under test).
 */
const ZONE = "Europe/Berlin";
const at = (month: number, day: number, hour = 9) => wallClockToUtc({ year: 2026, month, day, hour, minute: 0 }, ZONE);

/** The job-training course: 8 sessions, 10 participants, present counts 8,8,7,7,6,6,5,4,2,0. */
const VOCATIONAL_SESSION_DAYS = [5, 7, 12, 14, 19, 21, 26, 28];
const PRESENT_COUNTS = [8, 8, 7, 7, 6, 6, 5, 4, 2, 0];
/** Participant 7 was excused once (on the last session) — neither present nor absent. */
const EXCUSED_PARTICIPANT = 6;
const STATUSES = [
  "completed",
  "completed",
  "completed",
  "completed",
  "completed",
  "completed",
  "dropped",
  "dropped",
  "dropped",
  "dropped",
] as const;
const AT_LEAVING = [
  "apprenticeship",
  "employment",
  "employment",
  "further_schooling",
  "none_yet",
  "none_yet",
  "employment",
  null,
  null,
  "none_yet",
] as const;
const AFTER_6M = [
  "apprenticeship",
  "employment",
  "none_yet",
  "apprenticeship",
  null,
  null,
  null,
  null,
  null,
  null,
] as const;

export const EXPECTED_OCTOBER = {
  // 53 present of 80 marks, one of them excused: 53 ÷ 79 in the vocational course; the language
  // course adds 2 present and 1 absent: 55 ÷ 82 overall.
  attendanceVocational: { numerator: 53, denominator: 79 },
  attendanceAll: { numerator: 55, denominator: 82 },
  attendanceLanguage: { numerator: 2, denominator: 3 },
  // 6 of 10 completed; placed at leaving: participants 1, 2, 3 and 7; after six months 3 of the 4 known.
  completion: { numerator: 6, denominator: 10 },
  placement: { numerator: 4, denominator: 10 },
  placement6m: { numerator: 3, denominator: 4 },
  // Nine of the ten were present at least once; overall participant 1 (also in the language course) counts once, plus one more.
  courseParticipantsVocational: 9,
  courseParticipantsAll: 10,
  // Events: registrations 1+3+2 and 1+3 = 10 people, check-ins 4 and 4 = 8, walk-ins 3+1 and 2 = 6,
  // participants 14, distinct persons checked in: participant 1 and the family of three = 2.
  eventRegistrations: 10,
  eventCheckins: 8,
  eventWalkIns: 6,
  eventParticipants: 14,
  eventPersonsDistinct: 2,
  // Sponsorship at the end of October: two active, one request open; matched in October after 3 and 20 days.
  activeSponsorships: 2,
  openRequests: 1,
  medianDaysToMatch: { numerator: 11.5, denominator: 2 },
};

export interface IndicatorFixture {
  vocationalCourseId: number;
  languageCourseId: number;
  /** The vocational course's participants in order, and the first session (for corrections). */
  participantEnrollmentIds: number[];
  firstSessionId: number;
}

let ids = 5_000_000;
async function person(db: Db, name: string) {
  ids += 1;
  return db.person.create({ data: { telegramId: BigInt(ids), firstName: name, consentAt: at(9, 1), language: "ru" } });
}

async function vocationalCourse(db: Db): Promise<
  Pick<IndicatorFixture, "vocationalCourseId" | "participantEnrollmentIds" | "firstSessionId"> & {
    firstPersonId: number;
  }
> {
  const course = await db.course.create({
    data: {
      titleDe: "Berufsorientierung Pflege",
      titleRu: "Профориентация: уход",
      descriptionDe: "Praktikum und Bewerbung",
      descriptionRu: "Практика и резюме",
      category: "vocational",
      capacity: 12,
      startsOn: at(10, 5),
      endsOn: at(10, 28, 12),
      place: "Rathaus Belm",
    },
  });
  const sessions = [];
  for (const day of VOCATIONAL_SESSION_DAYS) {
    sessions.push(
      await db.courseSession.create({
        data: {
          courseId: course.id,
          startsAt: at(10, day),
          endsAt: at(10, day, 12),
          attendanceTakenAt: at(10, day, 12),
        },
      }),
    );
  }
  const enrollmentIds: number[] = [];
  let firstPersonId = 0;
  for (const [index, presentCount] of PRESENT_COUNTS.entries()) {
    const participant = await person(db, `Teilnehmer ${index + 1}`);
    if (index === 0) firstPersonId = participant.id;
    const enrollment = await db.enrollment.create({
      data: {
        courseId: course.id,
        personId: participant.id,
        status: STATUSES[index] ?? "dropped",
        enrolledAt: at(9, 20),
        endedAt: at(10, 29),
        outcomeAtLeaving: AT_LEAVING[index] ?? null,
        outcomeAfter6m: AFTER_6M[index] ?? null,
      },
    });
    enrollmentIds.push(enrollment.id);
    for (const [sessionIndex, session] of sessions.entries()) {
      const excused = index === EXCUSED_PARTICIPANT && sessionIndex === sessions.length - 1;
      const status = excused ? "excused" : sessionIndex < presentCount ? "present" : "absent";
      await db.attendance.create({ data: { sessionId: session.id, enrollmentId: enrollment.id, status } });
    }
  }
  return {
    vocationalCourseId: course.id,
    participantEnrollmentIds: enrollmentIds,
    firstSessionId: sessions[0]?.id ?? 0,
    firstPersonId,
  };
}

/** A running language course: participant 1 of the vocational course and one more present, one absent; not ended yet. */
async function languageCourse(db: Db, firstPersonId: number): Promise<number> {
  const course = await db.course.create({
    data: {
      titleDe: "Deutsch B1",
      titleRu: "Немецкий B1",
      descriptionDe: "Grammatik und Gespräch",
      descriptionRu: "Грамматика и разговор",
      category: "language",
      capacity: 12,
      startsOn: at(10, 6),
      endsOn: at(12, 15, 12),
      place: "Haus der Begegnung",
    },
  });
  const session = await db.courseSession.create({
    data: { courseId: course.id, startsAt: at(10, 6), endsAt: at(10, 6, 12), attendanceTakenAt: at(10, 6, 12) },
  });
  await db.courseSession.create({ data: { courseId: course.id, startsAt: at(12, 15), endsAt: at(12, 15, 12) } });
  const others = [await person(db, "Olga"), await person(db, "Dmitri")];
  const marks = [
    { personId: firstPersonId, status: "present" as const },
    { personId: others[0]?.id ?? 0, status: "present" as const },
    { personId: others[1]?.id ?? 0, status: "absent" as const },
  ];
  for (const mark of marks) {
    const enrollment = await db.enrollment.create({
      data: { courseId: course.id, personId: mark.personId, status: "active", enrolledAt: at(10, 1) },
    });
    await db.attendance.create({ data: { sessionId: session.id, enrollmentId: enrollment.id, status: mark.status } });
  }
  return course.id;
}

interface RsvpFixture {
  personId: number;
  partySize?: number;
  status?: "going" | "waitlisted" | "cancelled";
  checkedIn?: boolean;
}

async function event(db: Db, day: number, rsvps: RsvpFixture[], walkIns: number[], cancelled = false): Promise<void> {
  const created = await db.event.create({
    data: {
      titleDe: `Elterncafé ${day}.10.`,
      titleRu: `Кафе для родителей ${day}.10.`,
      descriptionDe: "Austausch",
      descriptionRu: "Общение",
      kind: "club",
      startsAt: at(10, day, 15),
      endsAt: at(10, day, 17),
      place: "Familienzentrum",
      cancelledAt: cancelled ? at(10, day - 1) : null,
    },
  });
  for (const rsvp of rsvps) {
    await db.rsvp.create({
      data: {
        eventId: created.id,
        personId: rsvp.personId,
        status: rsvp.status ?? "going",
        partySize: rsvp.partySize ?? 1,
        checkedInAt: rsvp.checkedIn ? at(10, day, 15) : null,
      },
    });
  }
  for (const count of walkIns) await db.eventWalkIn.create({ data: { eventId: created.id, count } });
}

async function events(db: Db, firstPersonId: number): Promise<void> {
  const family = await person(db, "Familie Petrow");
  const [undecided, waiting, cancelling, lateComer] = [
    await person(db, "Anna"),
    await person(db, "Boris"),
    await person(db, "Wera"),
    await person(db, "Juri"),
  ];
  await event(
    db,
    10,
    [
      { personId: firstPersonId, checkedIn: true },
      { personId: family.id, partySize: 3, checkedIn: true },
      { personId: undecided.id, partySize: 2 },
      { personId: waiting.id, status: "waitlisted" },
    ],
    [3, 1],
  );
  await event(
    db,
    24,
    [
      { personId: firstPersonId, checkedIn: true },
      { personId: family.id, partySize: 3, checkedIn: true },
      { personId: cancelling.id, status: "cancelled" },
    ],
    [2],
  );
  await event(db, 30, [{ personId: lateComer.id, partySize: 5, checkedIn: true }], [7], true);
}

async function sponsorships(db: Db): Promise<void> {
  const sponsorPerson = await person(db, "Helga");
  const sponsor = await db.sponsorProfile.create({
    data: {
      personId: sponsorPerson.id,
      languages: "[]",
      areas: "[]",
      districts: "[]",
      availability: "[]",
      status: "active",
      maxFamilies: 5,
    },
  });
  const request = async (
    created: Date,
    fields: { matchedAt?: Date; closedAt?: Date; status?: "open" | "matched" | "withdrawn" | "closed" },
  ) => {
    const family = await person(db, "Familie");
    return db.sponsorshipRequest.create({
      data: {
        personId: family.id,
        areas: "[]",
        languages: "[]",
        createdAt: created,
        status: fields.status ?? "open",
        ...fields,
      },
    });
  };
  const sponsorship = (requestId: number, startedAt: Date, endedAt?: Date) =>
    db.sponsorship.create({
      data: {
        requestId,
        sponsorId: sponsor.id,
        status: endedAt ? "ended" : "active",
        proposedAt: startedAt,
        startedAt,
        endedAt,
      },
    });

  const september = await request(at(9, 1), { matchedAt: at(9, 11), status: "matched" }); // 10 days
  await sponsorship(september.id, at(9, 11));
  // Ended by the sponsor ("ended" at a check-in): the sponsorship and the request close together.
  const quick = await request(at(10, 1), { matchedAt: at(10, 4), closedAt: at(10, 20), status: "closed" }); // 3 days
  await sponsorship(quick.id, at(10, 4), at(10, 20));
  const slow = await request(at(10, 2), { matchedAt: at(10, 22), status: "matched" }); // 20 days
  await sponsorship(slow.id, at(10, 22));
  await request(at(10, 5), {}); // still open
  await request(at(9, 20), { closedAt: at(10, 10), status: "withdrawn" });
}

/** Builds the October 2026 scenario in an empty database. */
export async function buildIndicatorFixture(db: Db): Promise<IndicatorFixture> {
  const vocational = await vocationalCourse(db);
  const languageCourseId = await languageCourse(db, vocational.firstPersonId);
  await events(db, vocational.firstPersonId);
  await sponsorships(db);
  return {
    vocationalCourseId: vocational.vocationalCourseId,
    languageCourseId,
    participantEnrollmentIds: vocational.participantEnrollmentIds,
    firstSessionId: vocational.firstSessionId,
  };
}
