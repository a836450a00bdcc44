/**
 * The indicator tally job (src/features/indicators/tallies.ts) on a large generated data set:
 * how long a recomputation takes, whether the process's memory stays bounded while SQLite
 * aggregates a million attendance rows, and how long other writers to the same file must wait.
 *
 *   npx tsx bench/tally-recompute.ts [attendance rows, default 1000000] [--wal]
 *
 * The data are generated with plain SQL (INSERT … SELECT over a numbers table) in a child
 * process, so that the memory figures of this process belong to the tally runs alone. Runs:
 * 1. first run (every figure inserted), 2. unchanged data (must change nothing), 3. after
 * correcting a few hundred past attendance marks (must update), 4. like 2 while another process
 * writes a small row every 20 ms to the same file. `--wal` switches the generated file to SQLite's
 * write-ahead log first (the bot's file uses the default rollback journal), to compare run 4.
 */
import { fork, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { createDb, type Db } from "../src/db.js";
import { recomputeTallies, type RecomputeResult } from "../src/features/indicators/tallies.js";
import { migratedDatabases } from "./migrated-db.js";

import { count, generate, NOW, NOW_TEXT, TABLES, ZONE, type Generated } from "./tally-data.js";

// ───────────────────────────── a writer in another process ─────────────────────────────

interface WriterReport {
  writes: number;
  failed: number;
  longestMs: number;
  over100ms: number;
  firstError?: string;
}

/** Writes one small row every 20 ms (as the bot does when it saves a conversation step) and records how long each write waited. */
async function writer(path: string): Promise<void> {
  const db = createDb(`file:${path}`);
  const report: WriterReport = { writes: 0, failed: 0, longestMs: 0, over100ms: 0 };
  let stopping = false;
  process.on("message", () => (stopping = true));
  const write = (value: string) =>
    db.$executeRaw`INSERT INTO "ConversationState" ("key", "value", "updatedAt") VALUES ('bench-writer', ${value}, ${new Date()})
      ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`;
  await write("ready");
  process.send?.("ready");
  while (!stopping) {
    const started = performance.now();
    try {
      await write(String(report.writes));
    } catch (error) {
      report.failed += 1;
      report.firstError ??= error instanceof Error ? error.message.split("\n").at(-1) : String(error);
    }
    const ms = performance.now() - started;
    report.writes += 1;
    report.longestMs = Math.max(report.longestMs, ms);
    if (ms > 100) report.over100ms += 1;
    await sleep(20);
  }
  await db.$disconnect();
  process.send?.(report, undefined, undefined, () => process.disconnect?.());
}

// ───────────────────────────── measuring (main process) ─────────────────────────────

const mb = (bytes: number) => bytes / 1024 / 1024;

function child(args: string[]): ChildProcess {
  return fork(fileURLToPath(import.meta.url), args, { stdio: "inherit" });
}

function nextMessage<T>(process: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    process.once("message", (message) => resolve(message as T));
    process.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
  });
}

/**
 * Samples the process's RSS every 100 ms from a worker thread: better-sqlite3 runs a statement
 * synchronously on the main thread, so a timer there cannot fire while SQLite aggregates.
 */
function rssSampler() {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     let peak = 0;
     const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
     setInterval(sample, 100);
     parentPort.on("message", () => { sample(); parentPort.postMessage(peak); peak = 0; });`,
    { eval: true },
  );
  return {
    /** The peak since the previous call. */
    peak: () =>
      new Promise<number>((resolve) => {
        worker.once("message", (peak: number) => resolve(peak));
        worker.postMessage("peak");
      }),
    stop: () => worker.terminate(),
  };
}

/**
 * `db` with every interactive transaction timed (from asking for it to its commit), so a run
 * shows how long the tally job's writing transaction — its last one — held the write lock.
 */
function timingTransactions(db: Db, durations: number[]): Db {
  const transaction = db.$transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  return new Proxy(db, {
    get(target, key) {
      if (key !== "$transaction") return Reflect.get(target, key) as unknown;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await transaction(...args);
        } finally {
          durations.push(performance.now() - started);
        }
      };
    },
  });
}

interface Measured {
  label: string;
  transactionsMs: number[];
  result?: RecomputeResult;
  error?: string;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  maxRssMb: number;
  longestStallMs: number;
  loopDelayMaxMs: number;
  replies: { count: number; p50: number; p99: number; max: number };
  writer?: WriterReport;
}

/**
 * What someone else writing to the bot meanwhile would feel: every 20 ms (unless the previous one
 * is still running) a small query like the ones an update needs, timed from when it was due, so a
 * blocked event loop counts in full.
 */
function replyProbe(db: Db) {
  const latencies: number[] = [];
  let lastTick = performance.now();
  let busy = false;
  let asked = 0;
  const timer = setInterval(() => {
    // Each query counts from when its tick was due, 20 ms after the previous tick: a stalled
    // event loop makes it late. (Counting from the first tick plus 20 ms per tick added up the
    // interval's small drift under load, hundreds of milliseconds over a run, as if it were wait.)
    const tickAt = performance.now();
    const late = Math.max(0, tickAt - lastTick - 20);
    lastTick = tickAt;
    // One at a time: on a loaded machine queries queued behind each other would measure the queue.
    if (busy) return;
    busy = true;
    asked += 1;
    void db.person.findFirst({ where: { id: 1 + (asked % 1000) }, select: { id: true, language: true } }).then(() => {
      latencies.push(performance.now() - tickAt + late);
      busy = false;
    });
  }, 20);
  return {
    async stop() {
      clearInterval(timer);
      await sleep(50);
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
      return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
    },
  };
}

async function measure(
  label: string,
  sampler: ReturnType<typeof rssSampler>,
  db: Db,
  options: { full?: boolean; writerPath?: string } = {},
): Promise<Measured> {
  const { writerPath } = options;
  const other = writerPath ? child(["--writer", writerPath]) : undefined;
  if (other) await nextMessage(other);
  await sampler.peak();
  // A timer on the main thread: its heap, and the longest time it could not run at all (what
  // the bot, in the same process, would feel as a freeze).
  let peakHeap = 0;
  let longestStall = 0;
  let lastTick = performance.now();
  const tick = () => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - lastTick);
    lastTick = now;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(tick, 10);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const probe = replyProbe(db);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let result: RecomputeResult | undefined;
  let error: string | undefined;
  const transactionsMs: number[] = [];
  try {
    result = await recomputeTallies(timingTransactions(db, transactionsMs), NOW, ZONE, { full: options.full });
  } catch (caught) {
    error = caught instanceof Error ? caught.message.split("\n").at(-1) : String(caught);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  tick();
  clearInterval(timer);
  delay.disable();
  const replies = await probe.stop();
  let writer: WriterReport | undefined;
  if (other) {
    const report = nextMessage<WriterReport>(other);
    other.send("stop");
    writer = await report;
  }
  const measured: Measured = {
    label,
    transactionsMs,
    result,
    error,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: mb(await sampler.peak()),
    peakHeapMb: mb(peakHeap),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    longestStallMs: longestStall,
    loopDelayMaxMs: delay.max / 1e6,
    replies,
    writer,
  };
  const outcome = result
    ? `inserted ${result.inserted}, updated ${result.updated}, deleted ${result.deleted} (${result.periods} periods)`
    : `FAILED: ${error}`;
  console.log(
    `${label}: ${seconds.toFixed(2)} s (CPU ${measured.cpuSeconds.toFixed(2)} s), ${outcome}; peak RSS ${measured.peakRssMb.toFixed(0)} MB, peak heap ${measured.peakHeapMb.toFixed(0)} MB, ` +
      `maxRSS so far ${measured.maxRssMb.toFixed(0)} MB, event loop blocked up to ${measured.longestStallMs.toFixed(0)} ms; ` +
      `transactions ${transactionsMs.map((ms) => `${ms.toFixed(0)} ms`).join(" + ")}`,
  );
  console.log(
    `  event loop delay max ${measured.loopDelayMaxMs.toFixed(0)} ms; ${replies.count} queries of others: p50 ${replies.p50.toFixed(0)} ms, ` +
      `p99 ${replies.p99.toFixed(0)} ms, max ${replies.max.toFixed(0)} ms`,
  );
  if (writer) {
    console.log(
      `  other process: ${writer.writes} writes, longest ${writer.longestMs.toFixed(0)} ms, ${writer.over100ms} over 100 ms, ${writer.failed} failed` +
        (writer.firstError ? ` (${writer.firstError})` : ""),
    );
  }
  return measured;
}

async function pragma(db: Db, name: string): Promise<string> {
  const [row] = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
  return String(Object.values(row ?? {})[0]);
}

async function main(attendanceRows: number, wal: boolean): Promise<void> {
  const rssAtStart = mb(process.memoryUsage().rss);
  // Wall times depend on what else the machine does; CPU times less so.
  console.log(`load average ${loadavg()[0]?.toFixed(2)} at start`);
  const databases = migratedDatabases();
  const path = databases.fresh(`tallies-${attendanceRows}`);
  const sampler = rssSampler();
  const failures: string[] = [];
  try {
    const generator = child(["--generate", path, String(attendanceRows)]);
    const generated = await nextMessage<Generated>(generator);
    console.log(
      `generated in ${generated.seconds.toFixed(1)} s (attendance ${generated.attendanceSeconds.toFixed(1)} s) by a separate process ` +
        `(peak RSS ${generated.peakRssMb.toFixed(0)} MB): ${generated.heldSessions} held sessions × ${generated.participantsPerCourse} participants per course`,
    );

    const db = createDb(`file:${path}`);
    if (wal) await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    const counts: string[] = [];
    for (const table of TABLES)
      counts.push(`${table} ${(await count(db, `SELECT COUNT(*) AS n FROM "${table}"`)).toLocaleString("en")}`);
    console.log(`rows: ${counts.join(", ")}`);
    console.log(`file ${mb(statSync(path).size).toFixed(0)} MB`);
    const pragmas = ["journal_mode", "cache_size", "temp_store", "mmap_size", "page_size", "busy_timeout"];
    console.log(
      `pragmas: ${(await Promise.all(pragmas.map(async (name) => `${name}=${await pragma(db, name)}`))).join(", ")}`,
    );
    console.log(
      `RSS: ${rssAtStart.toFixed(0)} MB at start, ${mb(process.memoryUsage().rss).toFixed(0)} MB with the database open, before the first run`,
    );

    // The generated rows left change markers over the whole time: the first run recomputes everything.
    const first = await measure("1 first run", sampler, db);
    if (!first.result || first.result.inserted === 0 || first.result.updated !== 0 || first.result.deleted !== 0)
      failures.push("the first run must only insert");

    const unchanged = await measure("2 full, unchanged data", sampler, db, { full: true });
    if (!unchanged.result || unchanged.result.inserted + unchanged.result.updated + unchanged.result.deleted !== 0)
      failures.push("a run over unchanged data must change nothing");

    // An instructor corrects a few hundred past marks, spread over the whole period.
    const total = await count(db, `SELECT COUNT(*) AS n FROM "Attendance"`);
    const corrected = await db.$executeRawUnsafe(
      `UPDATE "Attendance" SET "status" = CASE "status" WHEN 'present' THEN 'absent' ELSE 'present' END, "markedAt" = '${NOW_TEXT}'
       WHERE "id" % ${Math.floor(total / 300)} = 0`,
    );
    const afterCorrection = await measure(`3 full, after correcting ${corrected} marks`, sampler, db, { full: true });
    if (!afterCorrection.result || afterCorrection.result.updated === 0)
      failures.push("a run after a correction must update");

    const contended = await measure("4 full, unchanged, another process writing", sampler, db, {
      full: true,
      writerPath: path,
    });
    if (!contended.result) failures.push("the run failed while another process wrote");

    // An instructor corrects one past session's marks: only its month and quarter (and the running ones) are recomputed.
    const session = await count(
      db,
      `SELECT MIN("sessionId") AS n FROM "Attendance" a JOIN "CourseSession" s ON s."id" = a."sessionId" WHERE s."startsAt" < '2026-06-01'`,
    );
    const sessionMarks = await db.$executeRawUnsafe(
      `UPDATE "Attendance" SET "status" = CASE "status" WHEN 'present' THEN 'absent' ELSE 'present' END, "markedAt" = '${NOW_TEXT}' WHERE "sessionId" = ${session}`,
    );
    const incremental = await measure(
      `5 incremental, after correcting one session's ${sessionMarks} marks`,
      sampler,
      db,
    );
    if (!incremental.result || incremental.result.updated === 0)
      failures.push("an incremental run after a correction must update");

    const incrementalUnchanged = await measure("6 incremental, unchanged data", sampler, db);
    if (
      !incrementalUnchanged.result ||
      incrementalUnchanged.result.inserted +
        incrementalUnchanged.result.updated +
        incrementalUnchanged.result.deleted !==
        0
    ) {
      failures.push("an incremental run over unchanged data must change nothing");
    }
    const full = await measure("7 full, unchanged (must agree with the incremental runs)", sampler, db, { full: true });
    if (!full.result || full.result.inserted + full.result.updated + full.result.deleted !== 0)
      failures.push("a full run after incremental ones must change nothing");

    console.log(`load average ${loadavg()[0]?.toFixed(2)} at the end`);
    console.log(
      `tallies: ${(await count(db, `SELECT COUNT(*) AS n FROM "IndicatorTally"`)).toLocaleString("en")}, file ${mb(statSync(path).size).toFixed(0)} MB`,
    );
    await db.$disconnect();
  } finally {
    await sampler.stop();
    databases.remove();
  }
  if (failures.length > 0) {
    console.error(`FAILED: ${failures.join("; ")}`);
    process.exitCode = 1;
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "--generate") {
  const db = createDb(`file:${args[0]}`);
  const generated = await generate(db, Number(args[1]));
  await db.$disconnect();
  process.send?.(generated);
} else if (mode === "--writer") {
  await writer(args[0] ?? "");
} else {
  const options = process.argv.slice(2);
  const rows = Number(options.find((option) => !option.startsWith("--")) ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`usage: npx tsx bench/tally-recompute.ts [attendance rows] [--wal]`);
  await main(rows, options.includes("--wal"));
}
