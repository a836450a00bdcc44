import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";

const PROJECT = resolve(import.meta.dirname, "../..");
let fake: FakeTelegram;

beforeAll(async () => {
  fake = await FakeTelegram.start();
});
afterAll(async () => {
  await fake.stop();
});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function launch(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // "close" waits until every process holding the output pipes (npm, sh, node) has ended.
  const finished = new Promise<Finished>((done) => child.on("close", (code, signal) => done({ code, signal, output })));
  return { child, finished, output: () => output };
}

/** The environment of a fresh shell: none of the test runner's own variables. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME } = process.env;
  return { PATH, HOME, ...extra };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid) process.kill(-child.pid, signal);
}

describe("npm start", () => {
  it(
    "builds, applies migrations to a new database, answers /start and stops gracefully",
    { timeout: 120_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "belm-start-"));
      const databaseUrl = `file:${join(dataDir, "nested", "belm.db")}`;
      const run = launch("npm", ["start"], {
        cwd: PROJECT,
        env: cleanEnv({
          BOT_TOKEN: fake.token,
          BOT_API_ROOT: fake.apiRoot,
          DATABASE_URL: databaseUrl,
          DEMO_DATA: "true",
        }),
      });
      try {
        const user = fake.user({ id: 9101, firstName: "Erika", languageCode: "de" });
        const deadline = Date.now() + 90_000;
        while (!run.output().includes("bot started")) {
          if (Date.now() > deadline) throw new Error(`the bot did not start:\n${run.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        user.send("/start");
        expect((await user.nextReply({ timeoutMs: 15_000 })).text).toContain(
          "Willkommen beim Quartiersmanagement Belm",
        );
      } finally {
        signalGroup(run.child, "SIGTERM");
      }
      // npm itself may end by the signal; the bot's own graceful stop is what its log shows.
      const { output } = await run.finished;
      expect(output).toContain('"message":"stopping","signal":"SIGTERM"');
      expect(output).toContain("bot stopped");
      expect(output).not.toContain("error while stopping");

      const db = createDb(databaseUrl);
      expect(await db.course.count()).toBeGreaterThan(0); // demo data was filled
      expect(await db.person.count({ where: { telegramId: 9101n } })).toBe(1);
      await db.$disconnect();
    },
  );
});

describe("a bad .env", () => {
  it("stops the start with one clear line per problem", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "belm-env-"));
    writeFileSync(join(dir, ".env"), "BOT_API_ROOT=not a url\nADMIN_TELEGRAM_IDS=12,abc\nMODE=webhook\n");
    const run = launch(
      process.execPath,
      [join(PROJECT, "node_modules/tsx/dist/cli.mjs"), join(PROJECT, "src/main.ts")],
      {
        cwd: dir,
        env: cleanEnv({}),
      },
    );
    const { code, output } = await run.finished;
    expect(code).toBe(1);
    expect(output).toContain("BOT_TOKEN is required");
    expect(output).toContain("BOT_API_ROOT must be an http(s) URL");
    expect(output).toContain('ADMIN_TELEGRAM_IDS contains something that is not a Telegram user id: "abc"');
    expect(output).toContain("See .env.example");
  });
});
