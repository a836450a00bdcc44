import { Prisma, type Db } from "../../db.js";
import { periodsBetween, type Period } from "./periods.js";
import {
  computeTallyChanges,
  periodId,
  sqliteDateTime,
  type StoredTally,
  type TallyChunk,
  type TallyProgress,
} from "./tally-compute.js";
import { SCOPE_ALL, tallyQuery } from "./figures.js";

/** What the indicators are and how they are computed live is figures.ts; this module keeps the stored tallies in line with the data. */
export {
  INDICATORS,
  INDICATOR_GROUPS,
  INDICATOR_NAMES,
  SCOPE_ALL,
  computeFigures,
  type Indicator,
  type IndicatorGroup,
  type TallyRow,
} from "./figures.js";

export interface RecomputeResult {
  periods: number;
  inserted: number;
  updated: number;
  deleted: number;
}

/** The first instant any tallied data refers to; undefined while there is none. */
async function earliestData(db: Db): Promise<Date | undefined> {
  const [row] = await db.$queryRaw<{ earliest: string | null }[]>`
    SELECT MIN("at") AS "earliest" FROM (
      SELECT MIN("startsAt") AS "at" FROM "CourseSession"
      UNION ALL SELECT MIN("endsOn") FROM "Course"
      UNION ALL SELECT MIN("startsAt") FROM "Event"
      UNION ALL SELECT MIN("createdAt") FROM "SponsorshipRequest"
      UNION ALL SELECT MIN("startedAt") FROM "Sponsorship"
    )`;
  return row?.earliest ? new Date(row.earliest) : undefined;
}

/**
 * Periods computed by one statement: small enough for the progress shown to the manager to move,
 * large enough that the statements' fixed costs do not add up (bench/README.md "Indicator tallies").
 */
const PERIODS_PER_STATEMENT = 4;
/** "Everything from then on" in TallyDirty. */
const UNTIL_EVER = "9999-12-31T23:59:59.999+00:00";

export interface RecomputeOptions {
  /** Recompute every period instead of only those that can have changed since the last run. */
  full?: boolean;
  onProgress?: TallyProgress;
}

/** The file behind the connection, for the worker to open its own. */
async function databaseFile(db: Db): Promise<string> {
  const [main] = await db.$queryRaw<{ file: string }[]>`SELECT "file" FROM pragma_database_list WHERE "name" = 'main'`;
  if (!main?.file) throw new Error("the tallies are computed from a database file; an in-memory database has none");
  return main.file;
}

/** The periods that have figures stored: scope "all" has a count in every period of its lifetime. */
async function periodsComputed(db: Db): Promise<Set<string>> {
  // Raw: Prisma compiles a query shape at its first use, ~50 ms for this one, all of it on the
  // bot's thread on the first run of a process.
  const rows = await db.$queryRaw<{ periodKind: string; periodStart: Date }[]>`
    SELECT DISTINCT "periodKind", "periodStart" FROM "IndicatorTally" WHERE "scopeKey" = ${SCOPE_ALL}`;
  return new Set(rows.map((row) => periodId(row.periodKind, row.periodStart)));
}

/** The highest change marker now; markers up to it are consumed by this run. */
async function lastMarker(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ id: number | bigint | null }[]>`SELECT MAX("id") AS "id" FROM "TallyDirty"`;
  return Number(row?.id ?? 0);
}

/**
 * The candidate periods that overlap a change marker up to `upTo`, decided inside SQLite: after an
 * import there can be tens of thousands of markers, too many to load into the bot's thread.
 */
async function periodsWithChanges(db: Db, candidates: readonly Period[], upTo: number): Promise<Set<string>> {
  if (candidates.length === 0 || upTo === 0) return new Set();
  const rows = candidates.map(
    (period) =>
      Prisma.sql`(${periodId(period.kind, period.start)}, ${sqliteDateTime(period.start)}, ${sqliteDateTime(period.end)})`,
  );
  const hits = await db.$queryRaw<{ id: string }[]>`
    WITH "candidate"("id", "start", "end") AS (VALUES ${Prisma.join(rows)})
    SELECT "id" FROM "candidate" c WHERE EXISTS (
      SELECT 1 FROM "TallyDirty" d WHERE d."id" <= ${upTo} AND CAST(d."fromAt" AS TEXT) < c."end" AND CAST(d."untilAt" AS TEXT) >= c."start")`;
  return new Set(hits.map((hit) => hit.id));
}

/**
 * The periods whose figures can differ from the stored ones: those still running (their figures
 * are read "as of now"), those never computed, and those overlapping a change. After every run a
 * marker from that run's "now" onwards covers the periods that were running then and have ended
 * since. Only ended, computed periods are looked up among the markers: on an installation's first
 * run (after an import, tens of thousands of markers) that lookup would block the bot for ~100 ms
 * and could not change the answer.
 */
async function periodsToRecompute(
  db: Db,
  candidates: readonly Period[],
  consumed: number,
  now: Date,
): Promise<Period[]> {
  // Data older than the oldest figure widens the lifetime of scope "all" backwards; periods
  // never computed have no marker of their own.
  const computed = await periodsComputed(db);
  const settled = new Set(
    candidates.filter((period) => period.end <= now && computed.has(periodId(period.kind, period.start))),
  );
  const changed = await periodsWithChanges(db, [...settled], consumed);
  return candidates.filter((period) => !settled.has(period) || changed.has(periodId(period.kind, period.start)));
}

function boundValue(value: unknown): string | number | null {
  if (value instanceof Date) return sqliteDateTime(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" || typeof value === "number" || value === null) return value;
  throw new Error(`unexpected ${typeof value} value in the tally query`);
}

/**
 * Lets timers and I/O run. The adapter answers queries synchronously and resolves them as
 * microtasks, so a chain of awaited queries alone never gives the event loop a turn: the steps
 * of planning a run (together ~100 ms on the first run of a process) would be one stall.
 */
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** The tally statements for `periods`; building one takes ~8 ms, so the event loop gets a turn after each. */
async function statements(periods: readonly Period[], now: Date): Promise<TallyChunk[]> {
  const chunks: TallyChunk[] = [];
  for (let index = 0; index < periods.length; index += PERIODS_PER_STATEMENT) {
    const part = periods.slice(index, index + PERIODS_PER_STATEMENT);
    const query = tallyQuery(part, now);
    chunks.push({ sql: query.sql, values: query.values.map(boundValue), periods: part.length });
    await yieldToEventLoop();
  }
  return chunks;
}

const asJson = (rows: readonly StoredTally[], withFigures: boolean) =>
  JSON.stringify(
    rows.map((row) => [
      row.indicator,
      row.periodKind,
      row.periodStart,
      row.scopeKey,
      ...(withFigures ? [row.numerator, row.denominator] : []),
    ]),
  );

/** Rows per apply transaction: about 10 ms of work, well inside the event loop's budget. */
const APPLY_SLICE = 500;

function sliced<T>(rows: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let index = 0; index < rows.length; index += size) slices.push(rows.slice(index, index + size));
  return slices.length > 0 ? slices : [[]];
}

function deleteTallies(db: Db, rows: readonly StoredTally[]) {
  return db.$executeRaw`
    DELETE FROM "IndicatorTally" WHERE ("indicator", "periodKind", "periodStart", "scopeKey") IN (
      SELECT json_extract("value", '$[0]'), json_extract("value", '$[1]'), json_extract("value", '$[2]'), json_extract("value", '$[3]')
      FROM json_each(${asJson(rows, false)}))`;
}

function upsertTallies(db: Db, rows: readonly StoredTally[], now: Date) {
  // WHERE true: without it SQLite would read ON CONFLICT as part of the SELECT's join.
  return db.$executeRaw`
    INSERT INTO "IndicatorTally" ("indicator", "periodKind", "periodStart", "scopeKey", "numerator", "denominator", "computedAt")
    SELECT json_extract("value", '$[0]'), json_extract("value", '$[1]'), json_extract("value", '$[2]'), json_extract("value", '$[3]'),
      json_extract("value", '$[4]'), json_extract("value", '$[5]'), ${now}
    FROM json_each(${asJson(rows, true)}) WHERE true
    ON CONFLICT ("indicator", "periodKind", "periodStart", "scopeKey")
    DO UPDATE SET "numerator" = "excluded"."numerator", "denominator" = "excluded"."denominator", "computedAt" = "excluded"."computedAt"`;
}

/**
 * Brings IndicatorTally in line with the data: new figures are inserted, changed ones updated
 * (computedAt then tells when), figures whose data vanished deleted, and unchanged rows are left
 * as they are — so a second run over the same data changes nothing, and a correction of past
 * attendance shows on the next run.
 *
 * By default only the periods that can have changed since the last run are recomputed (see
 * periodsToRecompute); `full` recomputes every month and quarter from the first data up to now,
 * with the same result. The figures are computed in a worker thread on its own read-only
 * connection, in one read transaction (a consistent snapshot), so the bot's event loop stays free;
 * the worker hands back only the differences, applied here in one short write transaction. A
 * change made while the worker reads leaves its marker behind and shows on the next run.
 */
export async function recomputeTallies(
  db: Db,
  now: Date,
  timeZone: string,
  options: RecomputeOptions = {},
): Promise<RecomputeResult> {
  const path = await databaseFile(db);
  const earliest = await earliestData(db);
  // Read before the worker's snapshot: a change in between keeps a marker of a higher id.
  const consumed = await lastMarker(db);
  const from = earliest && earliest < now ? earliest : now;
  const candidates = (["month", "quarter"] as const).flatMap((kind) => periodsBetween(kind, from, now, timeZone));
  await yieldToEventLoop();
  const recomputed = options.full ? candidates : await periodsToRecompute(db, candidates, consumed, now);
  await yieldToEventLoop();
  const chunks = await statements(recomputed, now);
  const changes = await computeTallyChanges(
    {
      path,
      chunks,
      totalPeriods: recomputed.length,
      recomputed: recomputed.map((period) => periodId(period.kind, period.start)),
      candidates: candidates.map((period) => periodId(period.kind, period.start)),
    },
    options.onProgress,
  );
  const upserts = [...changes.inserts, ...changes.updates];
  // A diff of thousands of rows (the first run of an installation) is applied in slices, each in
  // its own short transaction with a pause for the event loop between them, so that nobody waits
  // for the whole apply; the markers are consumed with the last slice. Usual diffs are one slice.
  const slices = sliced(upserts, APPLY_SLICE);
  for (const [index, slice] of slices.entries()) {
    const last = index === slices.length - 1;
    if (index > 0) await yieldToEventLoop();
    await db.$transaction([
      ...(index === 0 ? [deleteTallies(db, changes.deletes)] : []),
      upsertTallies(db, slice, now),
      ...(last
        ? [
            db.$executeRaw`DELETE FROM "TallyDirty" WHERE "id" <= ${consumed}`,
            db.$executeRaw`INSERT OR REPLACE INTO "TallyDirty" ("fromAt", "untilAt") VALUES (${now}, ${UNTIL_EVER})`,
          ]
        : []),
    ]);
  }
  return {
    periods: recomputed.length,
    inserted: changes.inserts.length,
    updated: changes.updates.length,
    deleted: changes.deletes.length,
  };
}
