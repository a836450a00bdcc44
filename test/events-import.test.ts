import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Db } from "../src/db.js";
import { formatProblem } from "../src/file-import.js";
import { importEvents, importEventsWithin, parseEventFile } from "../src/features/events/import.js";
import { createTestDb } from "./support/db.js";

const TIME_ZONE = "Europe/Berlin";
let db: Db;

beforeEach(() => {
  db = createTestDb().db;
});
afterEach(async () => {
  await db.$disconnect();
});

describe("events from a file", () => {
  it("creates the example's weekly series and single event, each date with its own code", async () => {
    const parsed = parseEventFile("events.yaml", readFileSync("examples/events.yaml", "utf8"));
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join("\n"));
    expect(await importEvents(db, parsed.events, TIME_ZONE)).toEqual({
      ok: true,
      created: 13,
      updated: 0,
      unchanged: 0,
    });
    const series = await db.event.findMany({ where: { kind: "children" }, orderBy: { startsAt: "asc" } });
    expect(series).toHaveLength(12);
    expect(new Set(series.map((event) => event.seriesKey)).size).toBe(1);
    expect(series.at(-1)?.startsAt.toISOString()).toBe("2027-03-31T13:00:00.000Z"); // 15:00 in summer time
    expect(new Set(series.map((event) => event.checkinCode)).size).toBe(12);
    const circus = await db.event.findFirstOrThrow({ where: { kind: "circus" } });
    expect(circus).toMatchObject({ capacity: 80, asksPartySize: true, startsAt: new Date("2027-03-20T14:00:00Z") });
    expect(series[0]).toMatchObject({ capacity: null, asksPartySize: false });
  });

  it("reads a CSV written with semicolons by a spreadsheet set to German", () => {
    const csv = [
      "titleDe;titleRu;descriptionDe;descriptionRu;kind;place;capacity;asksPartySize;day;from;to",
      "Infoabend;Инфовечер;Anerkennung von Abschlüssen;Признание дипломов;information;Rathaus Belm;40;nein;2027-02-09;18:00;20:00",
    ].join("\n");
    const parsed = parseEventFile("events.csv", csv);
    expect(parsed.ok && parsed.events[0]).toMatchObject({
      titleDe: "Infoabend",
      capacity: 40,
      asksPartySize: false,
      weeks: 1,
      line: 2,
    });
  });

  it("reports every problem with its line and imports nothing", async () => {
    const yaml = `events:
  - titleDe: Spieleabend
    titleRu: Вечер игр
    descriptionDe: Spiele
    descriptionRu: Игры
    kind: party
    place: Quartierstreff
    day: 2027-02-30
    from: "21:00"
    to: "18:00"
    weeks: 100
    colour: blue
`;
    const parsed = parseEventFile("events.yaml", yaml);
    expect(parsed.ok ? [] : parsed.problems.map(formatProblem)).toEqual([
      'line 2: unknown field "colour"',
      'line 2: kind must be one of club, circus, children, information, other (got "party")',
      'line 2: day must be a date written as YYYY-MM-DD (got "2027-02-30")',
      "line 2: weeks must be a whole number from 1 to 52 (got 100)",
      "line 2: to (18:00) must be later than from (21:00)",
    ]);
    expect(await db.event.count()).toBe(0);
  });

  it("refuses an organiser the bot does not know and stores nothing", async () => {
    const parsed = parseEventFile(
      "events.yaml",
      readFileSync("examples/events.yaml", "utf8").replace(
        "    weeks: 12",
        "    weeks: 12\n    organiserTelegramId: 4242",
      ),
    );
    if (!parsed.ok) throw new Error("the file should be valid");
    expect(await importEvents(db, parsed.events, TIME_ZONE)).toEqual({
      ok: false,
      problems: [
        {
          line: 9,
          message: "organiserTelegramId 4242 is not a person known to the bot (they must have written to it first)",
        },
      ],
    });
    expect(await db.event.count()).toBe(0);
    await db.person.create({ data: { telegramId: 4242n, firstName: "Petra" } });
    expect(await importEvents(db, parsed.events, TIME_ZONE)).toEqual({
      ok: true,
      created: 13,
      updated: 0,
      unchanged: 0,
    });
  });

  it("creates nothing twice: the example again leaves every event and its check-in code as it was", async () => {
    const parsed = parseEventFile("events.yaml", readFileSync("examples/events.yaml", "utf8"));
    if (!parsed.ok) throw new Error("the file should be valid");
    await importEvents(db, parsed.events, TIME_ZONE);
    const before = await db.event.findMany({ orderBy: { id: "asc" } });

    expect(await importEvents(db, parsed.events, TIME_ZONE)).toEqual({
      ok: true,
      created: 0,
      updated: 0,
      unchanged: 13,
    });

    expect(await db.event.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("updates the place and description of a changed row, adds new weeks to the same series and keeps sign-ups", async () => {
    const csv = (place: string, weeks: number) =>
      [
        "titleDe;titleRu;descriptionDe;descriptionRu;kind;place;capacity;day;from;to;weeks",
        `Infoabend;Инфовечер;Anerkennung;Признание дипломов;information;Rathaus Belm;40;2027-02-09;18:00;20:00;1`,
        `Elterncafé;Кафе для родителей;Austausch;Общение;children;${place};;2027-02-10;15:00;17:00;${weeks}`,
      ].join("\n");
    const first = parseEventFile("events.csv", csv("Quartierstreff", 2));
    if (!first.ok) throw new Error(first.problems.map(formatProblem).join("\n"));
    expect(await importEvents(db, first.events, TIME_ZONE)).toEqual({ ok: true, created: 3, updated: 0, unchanged: 0 });
    const cafe = await db.event.findFirstOrThrow({ where: { kind: "children" }, orderBy: { startsAt: "asc" } });
    const person = await db.person.create({ data: { telegramId: 7n, firstName: "Olga" } });
    await db.rsvp.create({ data: { eventId: cafe.id, personId: person.id, status: "going", partySize: 1 } });

    const second = parseEventFile("events.csv", csv("Familienzentrum", 3));
    if (!second.ok) throw new Error(second.problems.map(formatProblem).join("\n"));
    expect(await importEvents(db, second.events, TIME_ZONE)).toEqual({
      ok: true,
      created: 1,
      updated: 2,
      unchanged: 1,
    });

    const series = await db.event.findMany({ where: { kind: "children" }, orderBy: { startsAt: "asc" } });
    expect(series.map((event) => event.place)).toEqual(["Familienzentrum", "Familienzentrum", "Familienzentrum"]);
    expect(series[0]).toMatchObject({ id: cafe.id, checkinCode: cafe.checkinCode });
    expect(new Set(series.map((event) => event.seriesKey))).toEqual(new Set([cafe.seriesKey]));
    expect(await db.rsvp.count({ where: { eventId: cafe.id, status: "going" } })).toBe(1);
  });

  it("refuses fewer places than people coming and changes nothing", async () => {
    const yaml = (capacity: number) =>
      `events:\n  - { key: infoabend, titleDe: Infoabend, titleRu: Инфовечер, descriptionDe: Info, descriptionRu: Инфо, kind: information, place: Rathaus, capacity: ${capacity}, day: 2027-02-09, from: "18:00", to: "20:00" }\n`;
    const first = parseEventFile("events.yaml", yaml(3));
    if (!first.ok) throw new Error(first.problems.map(formatProblem).join("\n"));
    await importEvents(db, first.events, TIME_ZONE);
    const event = await db.event.findFirstOrThrow();
    const person = await db.person.create({ data: { telegramId: 7n } });
    await db.rsvp.create({ data: { eventId: event.id, personId: person.id, status: "going", partySize: 3 } });

    const second = parseEventFile("events.yaml", yaml(2));
    if (!second.ok) throw new Error("the file should be valid");
    expect(await importEvents(db, second.events, TIME_ZONE)).toEqual({
      ok: false,
      problems: [{ line: 2, message: "capacity 2 is below the 3 people already coming on 2027-02-09" }],
    });
    expect(await db.event.findFirstOrThrow()).toMatchObject({ capacity: 3 });
  });

  it("repeats an event's fields with a YAML merge key, each repetition with its own day and key", () => {
    const yaml = `events:
  - &games
    key: games-1
    titleDe: Spieleabend
    titleRu: Вечер игр
    descriptionDe: Spiele für alle
    descriptionRu: Игры для всех
    kind: club
    place: Quartierstreff
    capacity: 25
    day: 2027-02-11
    from: "18:30"
    to: "21:00"
  - <<: *games
    key: games-2
    day: 2027-03-11
`;
    const parsed = parseEventFile("events.yaml", yaml);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join("\n"));
    const [first, again] = parsed.events;
    expect(again).toEqual({ ...first, key: "games-2", day: { year: 2027, month: 3, day: 11 }, line: 14 });
  });

  it("imports inside a transaction the caller holds, and stores nothing when the caller's transaction fails later", async () => {
    const parsed = parseEventFile("events.yaml", readFileSync("examples/events.yaml", "utf8"));
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join("\n"));
    const failing = db.$transaction(async (tx) => {
      expect(await importEventsWithin(tx, parsed.events, TIME_ZONE)).toEqual({
        ok: true,
        created: 13,
        updated: 0,
        unchanged: 0,
      });
      expect(await tx.event.count()).toBe(13);
      throw new Error("a later step fails");
    });
    await expect(failing).rejects.toThrow("a later step fails");
    expect(await db.event.count()).toBe(0);
  });
});
