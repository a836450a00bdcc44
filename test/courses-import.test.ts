import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db } from "../src/db.js";
import {
  importCourseFile,
  importCourses,
  importCoursesWithin,
  parseCourseFile,
  type ImportedCourse,
} from "../src/features/courses/import.js";
import { createTestDb } from "./support/db.js";

const TIME_ZONE = "Europe/Berlin";

const BERLIN_CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const BERLIN_DATE = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE });

/** "2027-03-15 09:00–12:00" on Belm's clock */
function berlinSpan(session: { startsAt: Date; endsAt: Date }): string {
  return `${BERLIN_DATE.format(session.startsAt)} ${BERLIN_CLOCK.format(session.startsAt)}–${BERLIN_CLOCK.format(session.endsAt)}`;
}

const utcHour = (instant: Date) => instant.toISOString().slice(11, 16);

// Two courses; the first runs across the switch to summer time on 28 March 2027.
const VALID_YAML = `# Kurse im Frühjahr
courses:
  - titleDe: Deutsch A1 – Alltag
    titleRu: Немецкий A1 — повседневная жизнь
    descriptionDe: Gespräche beim Arzt, im Rathaus und beim Einkaufen.
    descriptionRu: Разговоры у врача, в ратуше и в магазине.
    category: language
    capacity: 12
    attendanceThreshold: 80%
    place: Integrationswerkstatt, Marktring 8, Belm
    firstDay: 2027-03-15
    lastDay: 2027-04-09
    weekly:
      - { weekday: Mo, from: "09:00", to: "12:00" }
      - { weekday: wed, from: "09:00", to: "12:00" }

  - titleDe: Bewerbungstraining
    titleRu: Подготовка к собеседованию
    descriptionDe: Lebenslauf, Anschreiben und Vorstellungsgespräch.
    descriptionRu: Резюме, сопроводительное письмо и собеседование.
    category: vocational
    capacity: "10"
    place: Integrationswerkstatt (Werkraum)
    firstDay: 2027-02-02
    lastDay: 2027-02-23
    weekly:
      - weekday: 2
        from: "14:00"
        to: "17:00"
    instructorTelegramId: 4242
`;

const CSV_HEADER =
  "titleDe,titleRu,descriptionDe,descriptionRu,category,capacity,attendanceThreshold,place,firstDay,lastDay,weekly,instructorTelegramId";

// The first course runs across the switch back to winter time on 31 October 2027.
const VALID_CSV_LINES = [
  CSV_HEADER,
  'Deutsch B1 am Abend,Немецкий B1 вечером,"Briefe, Prüfung; Hörverstehen","Письма, экзамен; аудирование",language,16,0.75,"Raum 2, Marktring 8",2027-10-22,2027-11-05,Fr 18:00-20:30,',
  'Staplerschein,Погрузчик,"Theorie und Praxis.',
  'Voraussetzung: Deutsch ab A2.","Теория и практика.',
  'Условие: немецкий от A2.",vocational,8,75%,Gewerbegebiet Belm,2027-03-01,2027-03-12,"Mo 08:00-12:00; Fr 08:00-12:00",',
];
// A spreadsheet's export: byte order mark and CRLF line endings.
const VALID_CSV = `\uFEFF${VALID_CSV_LINES.join("\r\n")}\r\n`;

/** A CSV whose fourth line (the third record, after one spanning lines 2–3) has a bad capacity. */
const CSV_WITH_ONE_BAD_LINE = [
  CSV_HEADER,
  'Deutsch A2,Немецкий A2,"Erste Zeile,',
  'zweite Zeile",Описание,language,14,,Marktring 8,2027-01-11,2027-02-26,Mo 09:00-12:00,',
  "Mathe,Математика,Brüche und Prozente,Дроби и проценты,school_certificate,zwölf,,Raum 3,2027-01-12,2027-02-25,Di 17:30-19:30,",
  "Computerkurs,Компьютерный курс,E-Mail und Termine,Почта и запись,other,12,,Quartierstreff,2027-01-16,2027-02-27,Sa 10:00-12:00,",
].join("\n");

function yamlCourse(overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    titleDe: "Deutsch A1",
    titleRu: "Немецкий A1",
    descriptionDe: "Kurs",
    descriptionRu: "Курс",
    category: "language",
    capacity: "12",
    place: "Marktring 8",
    firstDay: "2027-01-11",
    lastDay: "2027-02-26",
    weekly: '[{ weekday: Mo, from: "09:00", to: "12:00" }]',
    ...overrides,
  };
  const lines = Object.entries(fields).map(([name, value]) => `${name}: ${value}`);
  return lines.map((line, index) => (index === 0 ? `  - ${line}` : `    ${line}`)).join("\n");
}

const yamlFile = (...courses: string[]) => `courses:\n${courses.join("\n")}\n`;

let db: Db;
let databaseUrl: string;

beforeEach(() => {
  ({ db, url: databaseUrl } = createTestDb());
});

afterEach(async () => {
  await db.$disconnect();
});

async function storedCourses() {
  return db.course.findMany({
    include: { sessions: { orderBy: { startsAt: "asc" } }, instructor: true },
    orderBy: { id: "asc" },
  });
}

describe("a valid file", () => {
  it("creates the courses of a YAML file with their sessions at the same clock time across the spring change", async () => {
    const instructor = await db.person.create({ data: { telegramId: 4242n, firstName: "Thomas" } });

    const result = await importCourseFile(db, "spring.yaml", VALID_YAML, TIME_ZONE);

    expect(result).toEqual({ ok: true, created: 2, updated: 0, unchanged: 0, sessions: 12 });
    const [german, training] = await storedCourses();
    expect(german).toMatchObject({
      titleDe: "Deutsch A1 – Alltag",
      titleRu: "Немецкий A1 — повседневная жизнь",
      category: "language",
      capacity: 12,
      attendanceThreshold: 0.8,
      place: "Integrationswerkstatt, Marktring 8, Belm",
      instructorId: null,
    });
    expect(german?.sessions.map(berlinSpan)).toEqual([
      "2027-03-15 09:00–12:00",
      "2027-03-17 09:00–12:00",
      "2027-03-22 09:00–12:00",
      "2027-03-24 09:00–12:00",
      "2027-03-29 09:00–12:00",
      "2027-03-31 09:00–12:00",
      "2027-04-05 09:00–12:00",
      "2027-04-07 09:00–12:00",
    ]);
    expect(german?.sessions.map((session) => utcHour(session.startsAt))).toEqual([
      "08:00",
      "08:00",
      "08:00",
      "08:00",
      "07:00",
      "07:00",
      "07:00",
      "07:00",
    ]);
    expect(training).toMatchObject({
      category: "vocational",
      capacity: 10,
      attendanceThreshold: 0.75,
      instructorId: instructor.id,
    });
    expect(training?.sessions.map(berlinSpan)).toEqual([
      "2027-02-02 14:00–17:00",
      "2027-02-09 14:00–17:00",
      "2027-02-16 14:00–17:00",
      "2027-02-23 14:00–17:00",
    ]);
  });

  it("creates the courses of a CSV file with quoted commas, semicolons and line breaks, across the autumn change", async () => {
    const result = await importCourseFile(db, "autumn.csv", VALID_CSV, TIME_ZONE);

    expect(result).toEqual({ ok: true, created: 2, updated: 0, unchanged: 0, sessions: 7 });
    const [evening, forklift] = await storedCourses();
    expect(evening).toMatchObject({
      titleDe: "Deutsch B1 am Abend",
      descriptionDe: "Briefe, Prüfung; Hörverstehen",
      place: "Raum 2, Marktring 8",
    });
    expect(evening?.sessions.map(berlinSpan)).toEqual([
      "2027-10-22 18:00–20:30",
      "2027-10-29 18:00–20:30",
      "2027-11-05 18:00–20:30",
    ]);
    expect(evening?.sessions.map((session) => utcHour(session.startsAt))).toEqual(["16:00", "16:00", "17:00"]);
    expect(forklift).toMatchObject({
      titleDe: "Staplerschein",
      descriptionDe: "Theorie und Praxis.\nVoraussetzung: Deutsch ab A2.",
      descriptionRu: "Теория и практика.\nУсловие: немецкий от A2.",
      category: "vocational",
      capacity: 8,
      attendanceThreshold: 0.75,
    });
    expect(forklift?.sessions.map(berlinSpan)).toEqual([
      "2027-03-01 08:00–12:00",
      "2027-03-05 08:00–12:00",
      "2027-03-08 08:00–12:00",
      "2027-03-12 08:00–12:00",
    ]);
  });

  it("reads a CSV that a spreadsheet set to German wrote with semicolons", () => {
    const csv = [
      "titleDe;titleRu;descriptionDe;descriptionRu;category;capacity;attendanceThreshold;place;firstDay;lastDay;weekly",
      'Deutsch A1;Немецкий A1;Kurs, abends;Курс;language;12;0,8;Marktring 8;2027-01-11;2027-01-29;"Mo 09:00-12:00; Mi 09:00-12:00"',
    ].join("\n");

    const result = parseCourseFile("kurse.csv", csv);

    expect(result.ok && result.courses[0]).toMatchObject({
      descriptionDe: "Kurs, abends",
      attendanceThreshold: 0.8,
      weekly: [
        { weekday: 1, from: "09:00", to: "12:00" },
        { weekday: 3, from: "09:00", to: "12:00" },
      ],
    });
  });

  it.each(["examples/courses.yaml", "examples/courses.csv"])("imports the example file %s", async (path) => {
    const result = await importCourseFile(db, path, readFileSync(path, "utf8"), TIME_ZONE);

    expect(result).toMatchObject({ ok: true, created: 3 });
    const courses = await storedCourses();
    expect(courses).toHaveLength(3);
    for (const course of courses) expect(course.sessions.length).toBeGreaterThan(0);
  });
});

describe("a file with problems imports nothing", () => {
  it("names the line and the problem of the one bad CSV record among good ones", async () => {
    const result = await importCourseFile(db, "kurse.csv", CSV_WITH_ONE_BAD_LINE, TIME_ZONE);

    expect(result).toEqual({
      ok: false,
      problems: [{ line: 4, message: 'capacity must be a whole number from 1 to 500 (got "zwölf")' }],
    });
    expect(await db.course.count()).toBe(0);
    expect(await db.courseSession.count()).toBe(0);
  });

  it("names the first line of a bad CSV record that spans several lines, also with CRLF line endings", () => {
    const csv = [
      CSV_HEADER,
      ...VALID_CSV_LINES.slice(2),
      'Kurs,Курс,"Zeile eins',
      'Zeile zwei",Описание,sport,8,,Ort,2027-01-11,2027-01-29,Mo 09:00-12:00,',
    ].join("\r\n");

    expect(parseCourseFile("kurse.csv", csv)).toEqual({
      ok: false,
      problems: [
        { line: 5, message: 'category must be one of language, vocational, school_certificate, other (got "sport")' },
      ],
    });
  });

  it("names the line where the bad YAML course starts", async () => {
    const yaml = yamlFile(yamlCourse(), yamlCourse({ lastDay: "2027-13-01" }), yamlCourse());

    const result = await importCourseFile(db, "kurse.yaml", yaml, TIME_ZONE);

    expect(result).toEqual({
      ok: false,
      problems: [{ line: 12, message: 'lastDay must be a date written as YYYY-MM-DD (got "2027-13-01")' }],
    });
    expect(await db.course.count()).toBe(0);
  });

  it("reports every problem of every course, not only the first", () => {
    const yaml = yamlFile(
      yamlCourse({
        titleRu: '""',
        category: "sport",
        attendanceThreshold: "1.5",
        weekly: '[{ weekday: Mx, from: "09:00", to: "12:00" }, { weekday: Mi, from: "12:00", to: "09:00" }]',
      }),
      yamlCourse({ capacity: "0", firstDay: "2027-02-01", lastDay: "2027-01-01", caapcity: "3" }),
      yamlCourse({ firstDay: "2027-01-12", lastDay: "2027-01-17", weekly: "Mo 09:00-12:00" }),
    );

    const result = parseCourseFile("kurse.yaml", yaml);

    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 2, message: "titleRu is missing" },
        { line: 2, message: 'category must be one of language, vocational, school_certificate, other (got "sport")' },
        {
          line: 2,
          message:
            'attendanceThreshold must be a share from 0 to 1 such as 0.75, or a percentage such as "75%" (got 1.5)',
        },
        {
          line: 2,
          message:
            'weekly entry 1: weekday must be one of Mo, Di, Mi, Do, Fr, Sa, So, or mon … sun, or 1 … 7 (got "Mx")',
        },
        { line: 2, message: "weekly entry 2: to (09:00) must be later than from (12:00)" },
        { line: 13, message: 'unknown field "caapcity"' },
        { line: 13, message: "capacity must be a whole number from 1 to 500 (got 0)" },
        { line: 13, message: "lastDay (2027-01-01) is before firstDay (2027-02-01)" },
        {
          line: 24,
          message: "the weekly schedule has no session between firstDay (2027-01-12) and lastDay (2027-01-17)",
        },
      ],
    });
  });

  it("reports a CSV header without a required column once, on line 1", () => {
    const result = parseCourseFile("kurse.csv", "titleDe,titleRu,kapazität\nA,B,3\n");

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toContainEqual({ line: 1, message: 'unknown column "kapazität"' });
    expect(!result.ok && result.problems).toContainEqual({ line: 1, message: 'column "capacity" is missing' });
    expect(!result.ok && result.problems.every((problem) => problem.line === 1)).toBe(true);
  });

  it("names the record of an unclosed quote in a CSV file", () => {
    const csv = [
      CSV_HEADER,
      VALID_CSV_LINES[1],
      'Kurs,Курс,"Beschreibung ohne Ende,Описание,language,8,,Ort,2027-01-11,2027-01-29,Mo 09:00-12:00,',
    ].join("\n");

    expect(parseCourseFile("kurse.csv", csv)).toEqual({
      ok: false,
      problems: [{ line: 3, message: 'CSV: a quoted field in this record is never closed (a " is missing)' }],
    });
  });

  it("names the line of a YAML syntax error", () => {
    const result = parseCourseFile("kurse.yml", "courses:\n  - titleDe: A\n    titleRu: [B\n");

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]?.line).toBe(3);
    expect(!result.ok && result.problems[0]?.message).toMatch(/^YAML: /);
  });

  it("reports an unknown instructor with the line of the course", async () => {
    await db.person.create({ data: { telegramId: 4242n } });
    const yaml = yamlFile(
      yamlCourse({ instructorTelegramId: "4242" }),
      yamlCourse({ titleDe: "Deutsch A2", instructorTelegramId: "999" }),
    );
    const parsed = parseCourseFile("kurse.yaml", yaml);
    if (!parsed.ok) throw new Error(`the file should parse: ${JSON.stringify(parsed.problems)}`);

    const result = await importCourses(db, parsed.courses, TIME_ZONE);

    expect(result).toEqual({
      ok: false,
      problems: [
        {
          line: 13,
          message: "instructorTelegramId 999 is not a person known to the bot (they must have written to it first)",
        },
      ],
    });
    expect(await db.course.count()).toBe(0);
  });

  it("stores nothing when creating a later course fails", async () => {
    const parsed = parseCourseFile("kurse.yaml", yamlFile(yamlCourse()));
    if (!parsed.ok) throw new Error(`the file should parse: ${JSON.stringify(parsed.problems)}`);
    const [good] = parsed.courses as [ImportedCourse];
    // A Sunday-only schedule within Monday to Friday has no session, so the service refuses it.
    const noSessions: ImportedCourse = {
      ...good,
      weekly: [{ weekday: 7, from: "10:00", to: "11:00" }],
      firstDay: { year: 2027, month: 1, day: 11 },
      lastDay: { year: 2027, month: 1, day: 15 },
    };

    await expect(importCourses(db, [good, noSessions], TIME_ZONE)).rejects.toThrow(/no session/);
    expect(await db.course.count()).toBe(0);
  });

  it("stores nothing when the transaction of a caller who imports inside it fails later", async () => {
    const parsed = parseCourseFile("kurse.yaml", yamlFile(yamlCourse()));
    if (!parsed.ok) throw new Error(`the file should parse: ${JSON.stringify(parsed.problems)}`);
    const failing = db.$transaction(async (tx) => {
      expect(await importCoursesWithin(tx, parsed.courses, TIME_ZONE)).toMatchObject({ ok: true, created: 1 });
      expect(await tx.course.count()).toBe(1);
      throw new Error("a later step fails");
    });
    await expect(failing).rejects.toThrow("a later step fails");
    expect(await db.course.count()).toBe(0);
    expect(await db.courseSession.count()).toBe(0);
  });

  it("refuses a file that is neither YAML nor CSV", () => {
    expect(parseCourseFile("kurse.xlsx", "")).toEqual({
      ok: false,
      problems: [{ line: 0, message: 'cannot read "kurse.xlsx": the file name must end in .yaml, .yml or .csv' }],
    });
  });
});

describe("running the same file again", () => {
  it("creates nothing twice: the same YAML and CSV file again leave every course and session as it was", async () => {
    await db.person.create({ data: { telegramId: 4242n } });
    expect(await importCourseFile(db, "spring.yaml", VALID_YAML, TIME_ZONE)).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await importCourseFile(db, "autumn.csv", VALID_CSV, TIME_ZONE)).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
    });
    const before = await storedCourses();

    expect(await importCourseFile(db, "spring.yaml", VALID_YAML, TIME_ZONE)).toEqual({
      ok: true,
      created: 0,
      updated: 0,
      unchanged: 2,
      sessions: 0,
    });
    expect(await importCourseFile(db, "autumn.csv", VALID_CSV, TIME_ZONE)).toEqual({
      ok: true,
      created: 0,
      updated: 0,
      unchanged: 2,
      sessions: 0,
    });

    expect(await storedCourses()).toEqual(before);
  });

  it("updates the description, place and capacity of a changed row and keeps its sessions and attendance", async () => {
    const file = yamlFile(yamlCourse(), yamlCourse({ titleDe: "Deutsch A2", titleRu: "Немецкий A2" }));
    await importCourseFile(db, "kurse.yaml", file, TIME_ZONE);
    const [course] = await storedCourses();
    const session = course?.sessions[0];
    if (!course || !session) throw new Error("the course should exist");
    const person = await db.person.create({ data: { telegramId: 7n, firstName: "Olga" } });
    const enrollment = await db.enrollment.create({
      data: { courseId: course.id, personId: person.id, status: "active" },
    });
    await db.attendance.create({ data: { sessionId: session.id, enrollmentId: enrollment.id, status: "present" } });
    await db.courseSession.update({
      where: { id: session.id },
      data: { attendanceTakenAt: new Date("2027-01-11T12:00:00Z") },
    });

    const changed = yamlFile(
      yamlCourse({ descriptionDe: "Kurs mit Kinderbetreuung", capacity: "15" }),
      yamlCourse({ titleDe: "Deutsch A2", titleRu: "Немецкий A2" }),
    );
    expect(await importCourseFile(db, "kurse.yaml", changed, TIME_ZONE)).toEqual({
      ok: true,
      created: 0,
      updated: 1,
      unchanged: 1,
      sessions: 0,
    });

    const [after] = await storedCourses();
    expect(after).toMatchObject({
      id: course.id,
      descriptionDe: "Kurs mit Kinderbetreuung",
      capacity: 15,
      titleRu: "Немецкий A1",
    });
    expect(after?.sessions.map((kept) => kept.id)).toEqual(course.sessions.map((kept) => kept.id));
    expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(1);
    expect(await db.course.count()).toBe(2);
  });

  it("finds a course again by its key column even when its title and place change", async () => {
    await importCourseFile(db, "kurse.yaml", yamlFile(yamlCourse({ key: "A1-2027" })), TIME_ZONE);
    const moved = yamlFile(yamlCourse({ key: "A1-2027", titleDe: "Deutsch A1 (neu)", place: "Rathaus Belm" }));

    expect(await importCourseFile(db, "kurse.yaml", moved, TIME_ZONE)).toEqual({
      ok: true,
      created: 0,
      updated: 1,
      unchanged: 0,
      sessions: 0,
    });

    // The title is part of what people recognise and stays; the place follows the file.
    expect(await db.course.findMany({ select: { titleDe: true, place: true } })).toEqual([
      { titleDe: "Deutsch A1", place: "Rathaus Belm" },
    ]);
  });

  it("refuses a capacity below the seats taken and one that would move waiting people up unseen, changing nothing", async () => {
    await importCourseFile(db, "kurse.yaml", yamlFile(yamlCourse({ capacity: "1" })), TIME_ZONE);
    const course = await db.course.findFirstOrThrow();
    const [first, second] = await Promise.all([7n, 8n].map((telegramId) => db.person.create({ data: { telegramId } })));
    await db.enrollment.create({ data: { courseId: course.id, personId: first!.id, status: "active" } });
    await db.enrollment.create({ data: { courseId: course.id, personId: second!.id, status: "waitlisted" } });

    const raised = yamlFile(yamlCourse({ capacity: "2", descriptionDe: "Neu" }));
    expect(await importCourseFile(db, "kurse.yaml", raised, TIME_ZONE)).toEqual({
      ok: false,
      problems: [
        {
          line: 2,
          message:
            "capacity: 1 people are waiting for this course; raise its places in the bot, which tells those who move up",
        },
      ],
    });
    expect(await db.course.findFirstOrThrow()).toMatchObject({ capacity: 1, descriptionDe: "Kurs" });
  });

  it("refuses two rows of one file that are the same course", () => {
    const parsed = parseCourseFile("kurse.yaml", yamlFile(yamlCourse(), yamlCourse({ capacity: "20" })));
    expect(parsed).toEqual({
      ok: false,
      problems: [{ line: 12, message: 'is the same course as line 2; give each course its own "key"' }],
    });
  });
});

describe("npm run courses:import", () => {
  interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
  }

  function runCli(...args: string[]): Promise<CliRun> {
    const child = spawn(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "src/features/courses/import-cli.ts", ...args],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, TIME_ZONE },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  function fileWith(name: string, content: string): string {
    const path = join(mkdtempSync(join(tmpdir(), "belm-import-")), name);
    writeFileSync(path, content);
    return path;
  }

  it("imports a valid file, prints the summary and exits 0", async () => {
    await db.person.create({ data: { telegramId: 4242n } });

    const path = fileWith("kurse.yaml", VALID_YAML);
    const run = await runCli(path);

    expect(run).toEqual({
      code: 0,
      stdout: "2 courses created, 0 updated, 0 unchanged (the new ones with 12 sessions).\n",
      stderr: "",
    });
    expect(await db.course.count()).toBe(2);
    expect(await runCli(path)).toEqual({
      code: 0,
      stdout: "0 courses created, 0 updated, 2 unchanged (the new ones with 0 sessions).\n",
      stderr: "",
    });
    expect(await db.course.count()).toBe(2);
  });

  it("lists the problems of a bad file, imports nothing and exits 1", async () => {
    const run = await runCli(fileWith("kurse.csv", CSV_WITH_ONE_BAD_LINE));

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Nothing was imported. Problems:\n  line 4: capacity must be a whole number from 1 to 500 (got "zwölf")\n',
    );
    expect(run.stdout).toBe("");
    expect(await db.course.count()).toBe(0);
  });

  it("explains its use when no file is given", async () => {
    const run = await runCli();

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Usage: npm run courses:import <file>/);
  });
});
