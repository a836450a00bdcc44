import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db } from "../src/db.js";
import { demoFolder, readDemoFiles } from "../src/demo/files.js";
import { seedDemoData } from "../src/demo/index.js";
import { periodContaining, shiftPeriod, type Period } from "../src/features/indicators/periods.js";
import { recomputeTallies } from "../src/features/indicators/tallies.js";
import { DISTRICTS, HELP_AREAS, SPONSOR_LANGUAGES, TIMES } from "../src/features/sponsorship/service.js";
import { createTestDb } from "./support/db.js";

// Before the switch to summer time on 29 March 2026, so running courses cross it.
const SPRING_NOW = new Date("2026-03-10T10:00:00Z");
// Before the switch back on 25 October 2026, with courses reaching into the Christmas break.
const AUTUMN_NOW = new Date("2026-10-14T08:00:00Z");
// Late November, when the weeks ahead run into the Christmas holidays.
const ADVENT_NOW = new Date("2026-11-25T10:00:00Z");

const BERLIN = "Europe/Berlin";

const isInChristmasBreak = (berlinDay: string) => berlinDay >= "2026-12-24" && berlinDay <= "2026-12-31";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

const BERLIN_CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const BERLIN_DATE = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" });
const BERLIN_WEEKDAY = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", weekday: "long" });

const berlinClock = (instant: Date) => BERLIN_CLOCK.format(instant);
const berlinDate = (instant: Date) => BERLIN_DATE.format(instant);
const berlinWeekday = (instant: Date) => BERLIN_WEEKDAY.format(instant);

function expectDaytimeInBerlin(startsAt: Date, endsAt: Date) {
  expect(endsAt.getTime()).toBeGreaterThan(startsAt.getTime());
  expect(berlinDate(endsAt)).toBe(berlinDate(startsAt));
  expect(berlinClock(startsAt) >= "08:00").toBe(true);
  expect(berlinClock(endsAt) <= "21:00").toBe(true);
}

function letters(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function expectBilingual(row: { titleDe: string; titleRu: string; descriptionDe: string; descriptionRu: string }) {
  for (const text of [row.titleDe, row.titleRu, row.descriptionDe, row.descriptionRu]) {
    expect(text.trim().length).toBeGreaterThan(0);
  }
  for (const russian of [row.titleRu, row.descriptionRu]) {
    // Russian texts may name German things (B1, Ausbildung), but Cyrillic must carry them.
    expect(letters(russian, /\p{Script=Cyrillic}/gu)).toBeGreaterThan(letters(russian, /\p{Script=Latin}/gu));
  }
  for (const german of [row.titleDe, row.descriptionDe]) {
    expect(letters(german, /\p{Script=Cyrillic}/gu)).toBe(0);
  }
  expect(row.descriptionDe.length).toBeGreaterThan(60);
  expect(row.descriptionRu.length).toBeGreaterThan(60);
}

async function seededDb(now: Date): Promise<Db> {
  const { db } = createTestDb();
  expect(await seedDemoData(db, now)).toEqual({ created: true });
  return db;
}

describe("the demo's files", () => {
  it("are found from the source and from the built code, which the image keeps beside prisma/", () => {
    const demo = join(process.cwd(), "prisma", "demo");
    expect(demoFolder(join(process.cwd(), "src", "demo"))).toBe(demo);
    expect(demoFolder(join(process.cwd(), "dist", "src", "demo"))).toBe(demo);
    expect(() => demoFolder("/")).toThrow(/not found/);
  });

  it("hold courses and events that the import scripts read as they are, each with its key", () => {
    const files = readDemoFiles();
    expect(files.courses).toHaveLength(6);
    expect(files.events.length).toBeGreaterThan(10);
    for (const row of [...files.courses, ...files.events]) expect(row.key).toMatch(/^demo-/);
  });
});

describe("seedDemoData in spring", () => {
  let db: Db;
  beforeAll(async () => {
    db = await seededDb(SPRING_NOW);
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it("creates the workshop's courses of every category, each with weekly sessions between its dates", async () => {
    const courses = await db.course.findMany({ include: { sessions: true, instructor: { include: { roles: true } } } });
    // A1 and B1 ahead or running, A2 over.
    expect(courses.filter((course) => course.category === "language")).toHaveLength(3);
    expect(courses.map((course) => course.category)).toEqual(
      expect.arrayContaining(["vocational", "school_certificate"]),
    );
    for (const course of courses) {
      expect(course.sessions.length).toBeGreaterThanOrEqual(10);
      expect(course.capacity).toBeGreaterThan(0);
      expect(course.attendanceThreshold).toBe(0.75);
      expect(course.place).toContain("Belm");
      expect(course.instructor?.roles.map((grant) => grant.role)).toContain("instructor");
      for (const session of course.sessions) {
        expect(session.startsAt.getTime()).toBeGreaterThanOrEqual(course.startsOn.getTime());
        expect(session.endsAt.getTime()).toBeLessThanOrEqual(course.endsOn.getTime());
      }
    }
    const a1 = courses.find((course) => course.titleDe.startsWith("Deutsch A1"));
    expect(a1?.capacity).toBe(12);
  });

  it("has courses running now and courses starting soon", async () => {
    const courses = await db.course.findMany();
    const running = courses.filter((course) => course.startsOn <= SPRING_NOW && course.endsOn > SPRING_NOW);
    const upcoming = courses.filter(
      (course) => course.startsOn > SPRING_NOW && course.startsOn.getTime() < SPRING_NOW.getTime() + 6 * WEEK_MS,
    );
    expect(running.length).toBeGreaterThanOrEqual(1);
    expect(upcoming.length).toBeGreaterThanOrEqual(1);
  });

  it("keeps every course at the same Berlin wall-clock time across the change to summer time", async () => {
    const courses = await db.course.findMany({ include: { sessions: true } });
    for (const course of courses) {
      expect(new Set(course.sessions.map((session) => berlinClock(session.startsAt))).size).toBe(1);
      for (const session of course.sessions) expectDaytimeInBerlin(session.startsAt, session.endsAt);
    }
    const a1 = courses.find((course) => course.titleDe.startsWith("Deutsch A1"));
    const utcHours = new Set(a1?.sessions.map((session) => session.startsAt.getUTCHours()));
    expect(utcHours).toEqual(new Set([8, 7]));
  });

  it("creates club evenings, a circus show, an information evening and a weekly children's drop-in ahead", async () => {
    const events = await db.event.findMany({ orderBy: { startsAt: "asc" } });
    const ahead = events.filter((event) => event.startsAt > SPRING_NOW);
    const ofKind = (kind: string) => ahead.filter((event) => event.kind === kind);
    expect(ofKind("club").length).toBeGreaterThanOrEqual(2);
    expect(ofKind("information").length).toBeGreaterThanOrEqual(1);
    expect(ofKind("children").length).toBeGreaterThanOrEqual(4);
    const [circus] = ofKind("circus");
    expect(circus?.asksPartySize).toBe(true);
    expect(circus?.capacity).toBeGreaterThanOrEqual(50);
    for (const event of ahead) expect(event.startsAt.getTime()).toBeLessThan(SPRING_NOW.getTime() + 7 * WEEK_MS);
    for (const event of events) {
      expect(event.place).toContain("Belm");
      expectDaytimeInBerlin(event.startsAt, event.endsAt);
    }
  });

  it("creates the children's drop-in as one series, every Wednesday 15:00 to 18:00", async () => {
    const dropIns = await db.event.findMany({ where: { kind: "children" }, orderBy: { startsAt: "asc" } });
    expect(dropIns.length).toBeGreaterThanOrEqual(4);
    const seriesKeys = new Set(dropIns.map((event) => event.seriesKey));
    expect(seriesKeys.size).toBe(1);
    expect([...seriesKeys][0]).toEqual(expect.any(String));
    for (const event of dropIns) {
      expect(berlinWeekday(event.startsAt)).toBe("Wednesday");
      expect(berlinClock(event.startsAt)).toBe("15:00");
      expect(berlinClock(event.endsAt)).toBe("18:00");
    }
    const nextDropIn = dropIns.find((event) => event.startsAt > SPRING_NOW);
    expect(nextDropIn && nextDropIn.startsAt.getTime() - SPRING_NOW.getTime()).toBeLessThan(WEEK_MS);
  });

  it("stores every course and event through the import, under the key of its row in prisma/demo/", async () => {
    const rows = [...(await db.course.findMany()), ...(await db.event.findMany())];
    for (const row of rows) expect(row.importKey).toMatch(/"demo-/);
    const events = await db.event.findMany();
    expect(events.every((event) => event.checkinCode !== null)).toBe(true);
  });

  it("writes every course and event in German and in Russian", async () => {
    const rows = [...(await db.course.findMany()), ...(await db.event.findMany())];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expectBilingual(row);
  });

  it("creates demo people who can never be real users, with instructors, a manager and sponsors", async () => {
    const people = await db.person.findMany({ include: { roles: true, sponsorProfile: true } });
    for (const person of people) {
      expect(person.telegramId).not.toBeNull();
      expect(person.telegramId! < 0n).toBe(true);
      expect(person.consentAt).not.toBeNull();
      expect(person.consentAt!.getTime()).toBeLessThanOrEqual(SPRING_NOW.getTime());
      expect(["de", "ru"]).toContain(person.language);
    }
    const withRole = (role: string) => people.filter((person) => person.roles.some((grant) => grant.role === role));
    expect(withRole("instructor")).toHaveLength(2);
    expect(withRole("manager")).toHaveLength(1);
    expect(new Set(people.map((person) => person.language))).toEqual(new Set(["de", "ru"]));
  });

  it("creates sponsor profiles, active and pending, with lists of known codes", async () => {
    const profiles = await db.sponsorProfile.findMany();
    expect(profiles.filter((profile) => profile.status === "active").length).toBeGreaterThanOrEqual(3);
    expect(profiles.filter((profile) => profile.status === "pending").length).toBeGreaterThanOrEqual(1);
    // The sponsorship feature's own codes: anything else it would silently drop when reading the profile.
    const codes = {
      languages: SPONSOR_LANGUAGES,
      areas: HELP_AREAS,
      districts: DISTRICTS,
      availability: TIMES,
    } as const;
    for (const profile of profiles) {
      for (const [field, allowed] of Object.entries(codes)) {
        const list = JSON.parse(profile[field as keyof typeof codes]) as unknown;
        expect(Array.isArray(list)).toBe(true);
        expect((list as unknown[]).length).toBeGreaterThan(0);
        for (const code of list as unknown[]) expect(allowed).toContain(code);
      }
      expect(profile.decidedAt === null).toBe(profile.status === "pending");
    }
    const languages = profiles.map((profile) => JSON.parse(profile.languages) as string[]);
    expect(languages.some((list) => list.includes("ru"))).toBe(true);
  });

  it("leaves seats in every course still ahead, events ahead without sign-ups, and no reminders, for whoever tries the bot", async () => {
    const courses = await db.course.findMany({ where: { endsOn: { gt: SPRING_NOW } }, include: { enrollments: true } });
    expect(courses.length).toBeGreaterThan(0);
    for (const course of courses) {
      expect(course.enrollments.filter((enrollment) => enrollment.status === "active").length).toBeLessThan(
        course.capacity,
      );
      expect(course.enrollments.filter((enrollment) => enrollment.status === "waitlisted")).toEqual([]);
    }
    expect(await db.rsvp.count({ where: { event: { startsAt: { gt: SPRING_NOW } } } })).toBe(0);
    expect(await db.reminder.count()).toBe(0);
  });

  it("creates nothing when run a second time", async () => {
    const counts = async () => ({
      people: await db.person.count(),
      roles: await db.roleGrant.count(),
      sponsors: await db.sponsorProfile.count(),
      courses: await db.course.count(),
      sessions: await db.courseSession.count(),
      enrollments: await db.enrollment.count(),
      attendance: await db.attendance.count(),
      events: await db.event.count(),
      rsvps: await db.rsvp.count(),
      walkIns: await db.eventWalkIn.count(),
      requests: await db.sponsorshipRequest.count(),
      sponsorships: await db.sponsorship.count(),
      manualValues: await db.manualIndicatorValue.count(),
    });
    const before = await counts();
    expect(await seedDemoData(db, new Date(SPRING_NOW.getTime() + WEEK_MS))).toEqual({ created: false });
    expect(await counts()).toEqual(before);
  });
});

describe("seedDemoData in autumn", () => {
  let db: Db;
  beforeAll(async () => {
    db = await seededDb(AUTUMN_NOW);
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it("keeps every course at the same Berlin wall-clock time across the change to winter time", async () => {
    const courses = await db.course.findMany({ include: { sessions: true } });
    for (const course of courses) {
      expect(new Set(course.sessions.map((session) => berlinClock(session.startsAt))).size).toBe(1);
    }
    const allStarts = courses.flatMap((course) => course.sessions.map((session) => session.startsAt));
    expect(allStarts.some((startsAt) => startsAt < new Date("2026-10-25T00:00:00Z"))).toBe(true);
    expect(allStarts.some((startsAt) => startsAt > new Date("2026-10-26T00:00:00Z"))).toBe(true);
  });

  it("holds no sessions in the Christmas break but continues in January", async () => {
    const sessions = await db.courseSession.findMany();
    const days = sessions.map((session) => berlinDate(session.startsAt));
    expect(days.filter(isInChristmasBreak)).toEqual([]);
    expect(days.some((day) => day.startsWith("2027-01"))).toBe(true);
  });
});

describe("seedDemoData in late November", () => {
  it("places no event in the Christmas break", async () => {
    const db = await seededDb(ADVENT_NOW);
    try {
      const events = await db.event.findMany();
      expect(events.length).toBeGreaterThan(0);
      expect(events.map((event) => berlinDate(event.startsAt)).filter(isInChristmasBreak)).toEqual([]);
    } finally {
      await db.$disconnect();
    }
  });
});

describe("seedDemoData's past in late November", () => {
  let db: Db;
  beforeAll(async () => {
    db = await seededDb(ADVENT_NOW);
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  const isOver = (course: { endsOn: Date }) => course.endsOn <= ADVENT_NOW;

  it("gives no demo person a chat, and every resident's consent comes before their sign-ups", async () => {
    const people = await db.person.findMany({ include: { enrollments: true } });
    expect(people.length).toBeGreaterThan(30);
    for (const person of people) {
      expect(person.chatId).toBeNull();
      for (const enrollment of person.enrollments) {
        expect(enrollment.requestedAt.getTime()).toBeGreaterThan(person.consentAt!.getTime());
        expect(enrollment.requestedAt.getTime()).toBeLessThanOrEqual(ADVENT_NOW.getTime());
      }
    }
    const residents = people.filter((person) => person.enrollments.length > 0);
    expect(new Set(residents.map((person) => person.language))).toEqual(new Set(["de", "ru"]));
  });

  it("marks attendance only in sessions that are over, for people enrolled in that very course, while the session ran", async () => {
    const rows = await db.attendance.findMany({ include: { session: true, enrollment: true } });
    expect(rows.length).toBeGreaterThan(500);
    for (const row of rows) {
      expect(row.session.endsAt.getTime()).toBeLessThanOrEqual(ADVENT_NOW.getTime());
      expect(row.enrollment.courseId).toBe(row.session.courseId);
      expect(row.session.attendanceTakenAt).not.toBeNull();
      for (const instant of [row.markedAt, row.session.attendanceTakenAt!]) {
        expect(instant.getTime()).toBeGreaterThanOrEqual(row.session.startsAt.getTime());
        expect(instant.getTime()).toBeLessThanOrEqual(row.session.endsAt.getTime());
      }
    }
    const present = rows.filter((row) => row.status === "present").length;
    expect(present / rows.length).toBeGreaterThan(0.7);
    expect(present / rows.length).toBeLessThan(0.9);
    expect(rows.some((row) => row.status === "excused")).toBe(true);
  });

  it("has attendance for everyone enrolled in every session of a course that is over, and none in sessions ahead", async () => {
    const courses = await db.course.findMany({
      include: { sessions: { include: { attendance: true } }, enrollments: true },
    });
    const running = courses.filter((course) => course.startsOn < ADVENT_NOW && !isOver(course));
    expect(running.length).toBeGreaterThanOrEqual(2);
    for (const course of courses) {
      for (const session of course.sessions) {
        const taken = session.endsAt <= ADVENT_NOW && course.enrollments.length > 0;
        expect(session.attendanceTakenAt !== null).toBe(taken);
        expect(session.attendance).toHaveLength(taken ? course.enrollments.length : 0);
      }
    }
    for (const course of running) {
      expect(course.enrollments.length).toBeGreaterThan(0);
      for (const enrollment of course.enrollments) {
        expect(enrollment.status).toBe("active");
        expect(enrollment.endedAt).toBeNull();
      }
    }
  });

  it("closes the courses that are over as the nightly job would: completed with 75 % present, else dropped", async () => {
    const courses = await db.course.findMany({
      where: { endsOn: { lte: ADVENT_NOW } },
      include: { enrollments: { include: { attendance: true } } },
    });
    expect(courses.map((course) => course.category).sort()).toEqual(["language", "vocational"]);
    for (const course of courses) {
      expect(new Set(course.enrollments.map((enrollment) => enrollment.status))).toEqual(
        new Set(["completed", "dropped"]),
      );
      for (const enrollment of course.enrollments) {
        const present = enrollment.attendance.filter((mark) => mark.status === "present").length;
        const share = present / enrollment.attendance.length;
        expect(enrollment.status).toBe(share >= course.attendanceThreshold ? "completed" : "dropped");
        expect(enrollment.statusSetByHand).toBe(false);
        expect(enrollment.endedAt!.getTime()).toBeGreaterThan(course.endsOn.getTime());
        expect(enrollment.endedAt!.getTime()).toBeLessThan(course.endsOn.getTime() + 24 * 60 * 60 * 1000);
      }
    }
  });

  it("knows where the vocational course's people went, and six months on where the course ended that long ago", async () => {
    const courses = await db.course.findMany({
      where: { endsOn: { lte: ADVENT_NOW } },
      include: { enrollments: true },
    });
    const vocational = courses.find((course) => course.category === "vocational");
    const language = courses.find((course) => course.category === "language");
    expect(ADVENT_NOW.getTime() - vocational!.endsOn.getTime()).toBeGreaterThan(26 * WEEK_MS);
    expect(ADVENT_NOW.getTime() - language!.endsOn.getTime()).toBeLessThan(26 * WEEK_MS);
    for (const enrollment of vocational!.enrollments) {
      expect(enrollment.outcomeAtLeaving).not.toBeNull();
      expect(enrollment.outcomeAfter6m).not.toBeNull();
    }
    const outcomes = new Set(vocational!.enrollments.map((enrollment) => enrollment.outcomeAtLeaving));
    expect(outcomes).toEqual(new Set(["apprenticeship", "employment", "further_schooling", "none_yet"]));
    for (const enrollment of language!.enrollments) {
      expect([enrollment.outcomeAtLeaving, enrollment.outcomeAfter6m]).toEqual([null, null]);
      expect(enrollment.germanLevel).not.toBeNull();
    }
  });

  const pastEvents = () =>
    db.event.findMany({
      where: { startsAt: { lt: ADVENT_NOW } },
      include: { rsvps: { include: { person: true } }, walkIns: true },
      orderBy: { startsAt: "asc" },
    });

  it("held events in most of the last eight months, all over before now", async () => {
    const events = await pastEvents();
    expect(events.length).toBeGreaterThanOrEqual(20);
    const months = new Set(events.map((event) => berlinDate(event.startsAt).slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(7);
    for (const event of events) expect(event.endsAt.getTime()).toBeLessThanOrEqual(ADVENT_NOW.getTime());
    expect(new Set(events.map((event) => event.kind))).toEqual(
      new Set(["club", "circus", "children", "information", "other"]),
    );
  });

  it("has residents sign up after they joined, check in during the event and walk-ins counted there", async () => {
    const events = await pastEvents();
    const during = (instant: Date, event: { startsAt: Date; endsAt: Date }) =>
      instant.getTime() >= event.startsAt.getTime() && instant.getTime() <= event.endsAt.getTime();
    for (const event of events) {
      expect(event.rsvps.length).toBeGreaterThan(0);
      expect(event.rsvps.length).toBeLessThanOrEqual(event.capacity ?? Infinity);
      for (const rsvp of event.rsvps) {
        expect(rsvp.status).toBe("going");
        expect(rsvp.person.consentAt!.getTime()).toBeLessThan(rsvp.requestedAt.getTime());
        expect(rsvp.requestedAt.getTime()).toBeLessThan(event.startsAt.getTime());
        if (rsvp.checkedInAt) expect(during(rsvp.checkedInAt, event)).toBe(true);
        expect(rsvp.partySize === 1 || event.asksPartySize).toBe(true);
      }
      for (const walkIn of event.walkIns) expect(during(walkIn.createdAt, event)).toBe(true);
      const counted = event.rsvps.some((rsvp) => rsvp.checkedInAt) || event.walkIns.length > 0;
      expect(event.attendanceClosedAt !== null).toBe(counted);
      if (event.attendanceClosedAt) expect(event.attendanceClosedAt > event.endsAt).toBe(true);
    }
    const rsvps = events.flatMap((event) => event.rsvps);
    expect(rsvps.some((rsvp) => rsvp.partySize > 1)).toBe(true);
    expect(rsvps.some((rsvp) => rsvp.checkedInById !== null && rsvp.checkedInById !== rsvp.personId)).toBe(true);
  });

  it("has a past event where nobody took check-ins: sign-ups, but neither check-ins nor walk-ins", async () => {
    const events = await pastEvents();
    const unchecked = events.filter(
      (event) => event.rsvps.every((rsvp) => rsvp.checkedInAt === null) && event.walkIns.length === 0,
    );
    expect(unchecked).toHaveLength(1);
    expect(unchecked[0]!.rsvps.reduce((sum, rsvp) => sum + rsvp.partySize, 0)).toBeGreaterThan(10);
  });

  it("matched sponsor requests after some days, to active sponsors only, never above their number of families", async () => {
    const sponsorships = await db.sponsorship.findMany({
      include: { sponsor: true, request: { include: { person: true } } },
    });
    expect(new Set(sponsorships.map((sponsorship) => sponsorship.status))).toEqual(new Set(["active", "ended"]));
    for (const { sponsor, request, ...sponsorship } of sponsorships) {
      expect(sponsor.status).toBe("active");
      expect(sponsorship.startedAt!.getTime()).toBeGreaterThan(sponsor.decidedAt!.getTime());
      expect(sponsorship.proposedAt.getTime()).toBeGreaterThan(request.createdAt.getTime());
      expect(request.person.consentAt!.getTime()).toBeLessThan(request.createdAt.getTime());
      expect(request.matchedAt).toEqual(sponsorship.startedAt);
      expect(request.matchedAt!.getTime() - request.createdAt.getTime()).toBeGreaterThanOrEqual(
        3 * 24 * 60 * 60 * 1000,
      );
      expect(request.status).toBe(sponsorship.status === "active" ? "matched" : "closed");
      expect(request.closedAt).toEqual(sponsorship.endedAt);
      const runningThen = sponsorships.filter(
        (other) =>
          other.sponsorId === sponsor.id &&
          other.startedAt! <= sponsorship.startedAt! &&
          (other.endedAt === null || other.endedAt > sponsorship.startedAt!),
      );
      expect(runningThen.length).toBeLessThanOrEqual(sponsor.maxFamilies);
    }
    const open = await db.sponsorshipRequest.findMany({ where: { status: "open" }, include: { sponsorships: true } });
    expect(open).toHaveLength(1);
    expect(open[0]!.sponsorships).toEqual([]);
    expect([open[0]!.matchedAt, open[0]!.closedAt]).toEqual([null, null]);
  });

  it("has the police figures of the last full quarter and of the same quarter a year earlier", async () => {
    const values = await db.manualIndicatorValue.findMany({ orderBy: { periodStart: "asc" } });
    const quarter = periodContaining("quarter", ADVENT_NOW, BERLIN);
    expect(values.map((value) => value.periodStart)).toEqual([
      shiftPeriod(quarter, -5, BERLIN).start,
      shiftPeriod(quarter, -1, BERLIN).start,
    ]);
    for (const value of values) {
      expect([value.indicator, value.periodKind]).toEqual(["offences", "quarter"]);
      expect(value.source).toContain("Beispielwert");
      expect(value.value).toBeGreaterThan(0);
    }
  });

  const monthOf = (instant: Date): Period => periodContaining("month", instant, BERLIN);
  const lastFullMonth = shiftPeriod(monthOf(ADVENT_NOW), -1, BERLIN);
  const figure = (indicator: string, month: Period, scopeKey = "all") =>
    db.indicatorTally.findUnique({
      where: {
        indicator_periodKind_periodStart_scopeKey: {
          indicator,
          periodKind: "month",
          periodStart: month.start,
          scopeKey,
        },
      },
    });

  it("stores the figures of /indicators while seeding, so a recomputation finds nothing to change", async () => {
    expect(await db.indicatorTally.count()).toBeGreaterThan(100);
    expect(await recomputeTallies(db, ADVENT_NOW, BERLIN)).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
  });

  it("gives the last full month an attendance rate, course and event participants and sponsorships", async () => {
    const attendance = await figure("attendance_rate", lastFullMonth);
    expect(attendance?.denominator).toBeGreaterThan(50);
    const rate = attendance!.numerator / attendance!.denominator!;
    expect(rate).toBeGreaterThan(0.7);
    expect(rate).toBeLessThan(0.95);
    expect((await figure("course_participants", lastFullMonth))?.numerator).toBeGreaterThan(10);
    expect((await figure("event_participants", lastFullMonth))?.numerator).toBeGreaterThan(0);
    expect((await figure("event_walk_ins", lastFullMonth))?.numerator).toBeGreaterThan(0);
    expect((await figure("active_sponsorships", lastFullMonth))?.numerator).toBeGreaterThanOrEqual(3);
    expect((await figure("open_requests", lastFullMonth))?.numerator).toBe(1);
  });

  it("has every month of the last half year with attendance and event participants", async () => {
    for (let back = 1; back <= 6; back++) {
      const month = shiftPeriod(monthOf(ADVENT_NOW), -back, BERLIN);
      expect((await figure("attendance_rate", month))?.denominator).toBeGreaterThan(0);
      expect((await figure("event_participants", month))?.numerator).toBeGreaterThan(0);
    }
  });

  it("counts each ended course's cohort in the month of its last session: completion, and placement for the vocational one", async () => {
    const ended = await db.course.findMany({ where: { endsOn: { lte: ADVENT_NOW } }, include: { enrollments: true } });
    for (const course of ended) {
      const scope = `course:${course.id}`;
      const completion = await figure("completion_rate", monthOf(course.endsOn), scope);
      const completed = course.enrollments.filter((enrollment) => enrollment.status === "completed").length;
      expect([completion?.numerator, completion?.denominator]).toEqual([completed, course.enrollments.length]);
      const placement = await figure("placement_rate", monthOf(course.endsOn), scope);
      const placement6m = await figure("placement_rate_6m", monthOf(course.endsOn), scope);
      if (course.category === "vocational") {
        expect(placement?.denominator).toBe(course.enrollments.length);
        expect(placement?.numerator).toBeGreaterThan(0);
        expect(placement6m?.numerator).toBeGreaterThan(placement!.numerator);
      } else {
        expect([placement, placement6m]).toEqual([null, null]);
      }
    }
  });

  it("shows the sign-ups of the event where nobody took check-ins, not zero people", async () => {
    const festival = await db.event.findFirstOrThrow({
      where: { kind: "other", startsAt: { lt: ADVENT_NOW } },
      include: { rsvps: true },
    });
    const month = monthOf(festival.startsAt);
    const signedUp = festival.rsvps.reduce((sum, rsvp) => sum + rsvp.partySize, 0);
    const registrations = (await figure("event_registrations", month))!.numerator;
    const checkins = (await figure("event_checkins", month))!.numerator;
    expect(registrations - checkins).toBeGreaterThanOrEqual(signedUp);
  });
});

describe("seedDemoData on a database in use", () => {
  it("seeds courses again where they were removed, without a second set of people, requests or police figures", async () => {
    const db = await seededDb(ADVENT_NOW);
    try {
      const counts = async () => ({
        people: await db.person.count(),
        requests: await db.sponsorshipRequest.count(),
        sponsorships: await db.sponsorship.count(),
        manualValues: await db.manualIndicatorValue.count(),
      });
      const before = await counts();
      await db.course.deleteMany();
      expect(await seedDemoData(db, ADVENT_NOW)).toEqual({ created: true });
      expect(await counts()).toEqual(before);
      expect(await db.attendance.count()).toBeGreaterThan(0);
    } finally {
      await db.$disconnect();
    }
  });

  it("does nothing when a course already exists", async () => {
    const { db } = createTestDb();
    try {
      await db.course.create({
        data: {
          titleDe: "Eigener Kurs",
          titleRu: "Собственный курс",
          descriptionDe: "Von Hand angelegt.",
          descriptionRu: "Создан вручную.",
          category: "other",
          capacity: 5,
          startsOn: SPRING_NOW,
          endsOn: SPRING_NOW,
          place: "Belm",
        },
      });
      expect(await seedDemoData(db, SPRING_NOW)).toEqual({ created: false });
      expect(await db.person.count()).toBe(0);
      expect(await db.event.count()).toBe(0);
      expect(await db.course.count()).toBe(1);
    } finally {
      await db.$disconnect();
    }
  });
});
