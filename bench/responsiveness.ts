/**
 * How fast the bot answers, against a bare grammY bot on the same fake Bot API in the same run.
 * Each bot runs in its own process (bench/bot-process.ts) on the fake of the tests; the fake
 * records when each update was pushed and each reply arrived.
 *
 *   npx tsx bench/responsiveness.ts            # both bots
 *   npx tsx bench/responsiveness.ts belm       # one of them
 *   npx tsx bench/responsiveness.ts belm --cpu-prof   # and write a CPU profile of the bot to bench/profiles/
 *   npx tsx bench/responsiveness.ts belm --cpu-prof --mix-only   # profile only 2,000 updates of the mix
 *   npx tsx bench/responsiveness.ts belm --cpu-prof --flood-only # profile only the flood and the newcomer
 *   npx tsx bench/responsiveness.ts --tsx       # bots run from the sources under tsx (default: built, plain node)
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { createDb } from "../src/db.js";
import { seedDemoData } from "../src/demo/index.js";
import { residents } from "../test/support/broadcasts.js";
import { FakeTelegram } from "../test/support/fake-telegram.js";
import type { TelegramUser } from "../test/support/user.js";
import { migratedDatabases } from "./migrated-db.js";

type Kind = "belm" | "bare";
interface Stats {
  cpuMs: number;
  rssMb: number;
}

const MIX = ["/help", "/courses", "/events", "Hallo, wann ist der nächste Kurs?"] as const;
const RESIDENTS = 1_000;
const FIRST_RESIDENT = 100_000;

const args = process.argv.slice(2);
const chosen = args.filter((arg): arg is Kind => arg === "belm" || arg === "bare");
const kinds: Kind[] = chosen.length > 0 ? chosen : ["belm", "bare"];
const profile = args.includes("--cpu-prof");
/** Only the steady mix (2,000 updates), so a profile shows what an ordinary update costs. */
const mixOnly = args.includes("--mix-only");
/** Only the flood and the newcomer, for a profile of what dropped updates cost. */
const floodOnly = args.includes("--flood-only");
/** Bots run as built JavaScript under plain node, as in production; `--tsx` runs the sources under tsx instead. */
const underTsx = args.includes("--tsx");
if (!underTsx) execFileSync("npx", ["tsc", "-p", "tsconfig.bench.json"], { stdio: "inherit" });
const databases = migratedDatabases();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: readonly number[], share: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
};

class Harness {
  private constructor(
    readonly fake: FakeTelegram,
    readonly child: ChildProcess,
    readonly errors: string[],
  ) {}

  static async start(kind: Kind): Promise<Harness> {
    const fake = await FakeTelegram.start();
    const file = databases.fresh(`responsiveness-${kind}`);
    const db = createDb(`file:${file}`);
    await seedDemoData(db, new Date());
    await residents(db, fake, RESIDENTS, FIRST_RESIDENT, { ruEvery: 3 });
    await db.$disconnect();
    const execArgv = [
      ...(underTsx ? ["--import", "tsx"] : []),
      ...(profile ? ["--cpu-prof", "--cpu-prof-dir=bench/profiles"] : []),
    ];
    const child = fork(
      underTsx ? "bench/bot-process.ts" : "dist/bench/bot-process.js",
      [kind, fake.apiRoot, fake.token, file],
      { execArgv, stdio: ["ignore", "inherit", "pipe", "ipc"] },
    );
    const errors: string[] = [];
    child.stderr?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.includes('"level":"error"')) errors.push(line);
    });
    await new Promise((resolve) => child.once("message", resolve));
    return new Harness(fake, child, errors);
  }

  stats(): Promise<Stats> {
    return new Promise((resolve) => {
      this.child.once("message", (message) => resolve(message as Stats));
      this.child.send("stats");
    });
  }

  user(id: number): TelegramUser {
    return this.fake.user({ id, firstName: `Person ${id}`, languageCode: id % 3 === 0 ? "ru" : "de" });
  }

  /**
   * Milliseconds from each push to the first message the bot sent to that chat after it. Scans
   * the fake's calls once, onward from where the last pass ended, so that waiting does not take
   * the CPU the fake needs to answer.
   */
  async waitForAnswers(sent: readonly { chatId: number; at: number }[], timeoutMs: number): Promise<number[]> {
    const pushedAt = new Map(sent.map(({ chatId, at }) => [chatId, at]));
    const latency = new Map<number, number>();
    const deadline = Date.now() + timeoutMs;
    let scanned = 0;
    for (;;) {
      const calls = this.fake.calls;
      for (; scanned < calls.length; scanned++) {
        const call = calls[scanned];
        if (!call || call.method !== "sendMessage" || call.error || call.chatId === undefined) continue;
        const at = pushedAt.get(call.chatId);
        if (at !== undefined && call.at >= at && !latency.has(call.chatId)) latency.set(call.chatId, call.at - at);
      }
      if (latency.size === pushedAt.size) return sent.map(({ chatId }) => latency.get(chatId) ?? NaN);
      if (Date.now() > deadline) throw new Error(`${pushedAt.size - latency.size} of ${sent.length} not answered`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.child.kill("SIGINT");
    await new Promise((resolve) => this.child.once("exit", resolve));
    await this.fake.stop();
  }
}

/** Updates at a steady rate, each from a resident who has no update in flight. */
async function steady(harness: Harness, perSecond: number, count: number, firstResident: number) {
  const sent: { chatId: number; at: number }[] = [];
  const started = Date.now();
  for (let index = 0; index < count; index++) {
    await sleep(Math.max(0, started + (index * 1000) / perSecond - Date.now()));
    const chatId = FIRST_RESIDENT + ((firstResident - FIRST_RESIDENT + index) % RESIDENTS);
    harness.user(chatId).send(MIX[index % MIX.length] ?? "/help");
    sent.push({ chatId, at: Date.now() });
  }
  return harness.waitForAnswers(sent, 60_000);
}

/** 10,000 hostile updates from 300 senders, then a newcomer's /help: how long until it is answered. */
async function flood(harness: Harness): Promise<string> {
  const floodStart = Date.now();
  for (let index = 0; index < 10_000; index++)
    harness.user(500_000 + (index % 300)).send(index % 2 ? "spam spam spam" : "/courses");
  const newcomer = harness.user(900_001);
  const askedAt = Date.now();
  newcomer.send("/help");
  const [newcomerAfter = NaN] = await harness.waitForAnswers([{ chatId: newcomer.chatId, at: askedAt }], 600_000);
  return `${(newcomerAfter / 1000).toFixed(2)} s (flood pushed in ${((askedAt - floodStart) / 1000).toFixed(1)} s)`;
}

async function measure(kind: Kind): Promise<Record<string, string>> {
  const harness = await Harness.start(kind);
  const phase = (name: string, figure: string) => console.log(`[${kind}] ${name}: ${figure}`);
  try {
    await steady(harness, 20, 20, FIRST_RESIDENT); // warm-up
    await sleep(1000);
    const idle = await harness.stats();

    if (floodOnly) return { bot: kind, "newcomer's /help after 10,000 from 300": await flood(harness) };
    const before = await harness.stats();
    const mixUpdates = mixOnly ? 2_000 : 400;
    await steady(harness, 40, mixUpdates, mixOnly ? FIRST_RESIDENT : FIRST_RESIDENT + 20);
    const after = await harness.stats();
    const cpuPerUpdate = (after.cpuMs - before.cpuMs) / mixUpdates;
    phase("CPU per update", `${cpuPerUpdate.toFixed(2)} ms, RSS idle ${idle.rssMb.toFixed(0)} MB`);
    if (mixOnly) return { bot: kind, "CPU per update (mix)": `${cpuPerUpdate.toFixed(2)} ms` };

    const paced = await steady(harness, 20, 200, FIRST_RESIDENT + 420);
    phase("latency at 20/s p50 / p99", `${percentile(paced, 0.5)} / ${percentile(paced, 0.99)} ms`);

    const burstStart = Date.now();
    const burst = Array.from({ length: 500 }, (_, index) => {
      const chatId = FIRST_RESIDENT + 420 + index;
      harness.user(chatId).send(MIX[index % MIX.length] ?? "/help");
      return { chatId, at: burstStart };
    });
    const burstLatencies = await harness.waitForAnswers(burst, 120_000);
    await sleep(500);
    const afterBurst = await harness.stats();
    phase(
      "500 at once all / p99",
      `${Math.max(...burstLatencies)} / ${percentile(burstLatencies, 0.99)} ms, RSS ${afterBurst.rssMb.toFixed(0)} MB`,
    );

    const newcomerAfter = await flood(harness);
    return {
      bot: kind,
      "CPU per update (mix)": `${cpuPerUpdate.toFixed(2)} ms`,
      "latency at 20/s p50 / p99": `${percentile(paced, 0.5)} / ${percentile(paced, 0.99)} ms`,
      "500 at once: all answered / p99": `${(Math.max(...burstLatencies) / 1000).toFixed(2)} / ${(percentile(burstLatencies, 0.99) / 1000).toFixed(2)} s`,
      "newcomer's /help after 10,000 from 300": newcomerAfter,
      "error log lines": String(harness.errors.length),
      "RSS idle / after the 500 burst": `${idle.rssMb.toFixed(0)} / ${afterBurst.rssMb.toFixed(0)} MB`,
    };
  } finally {
    await harness.stop();
  }
}

try {
  const rows = [];
  for (const kind of kinds) rows.push(await measure(kind));
  const keys = Object.keys(rows[0] ?? {});
  for (const key of keys) console.log(`${key.padEnd(40)} ${rows.map((row) => (row[key] ?? "").padEnd(34)).join(" ")}`);
} finally {
  databases.remove();
}
