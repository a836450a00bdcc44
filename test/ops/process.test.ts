import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { waitFor } from "../support/user.js";

/** The command of the image, exactly as Docker runs it (node as PID 1, no npm or shell in between). */
function imageCommand(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync("Dockerfile", "utf8"))?.[1];
  if (!cmd) throw new Error("Dockerfile has no CMD in exec form");
  return JSON.parse(cmd) as string[];
}

interface Bot {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

const running: Bot[] = [];

function startImageCommand(env: Record<string, string>): Bot {
  const [program = "", ...args] = imageCommand();
  const child = spawn(program === "node" ? process.execPath : program, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const logs: Record<string, unknown>[] = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    const lines = stderr.split("\n").filter((line) => line.startsWith("{"));
    logs.splice(
      0,
      logs.length,
      ...lines.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    );
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: Date.now() })),
  );
  const bot = { child, logs, stderr: () => stderr, exited };
  running.push(bot);
  return bot;
}

const logged = (bot: Bot, message: string) => bot.logs.find((line) => line.message === message);

let fake: FakeTelegram;
let dir: string;

beforeAll(async () => {
  // The image runs the compiled bot; compile it as the image's build stage does.
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "pipe" });
  fake = await FakeTelegram.start();
  dir = mkdtempSync(join(tmpdir(), "belm-process-"));
}, 240_000);
afterEach(() => {
  for (const bot of running.splice(0)) if (bot.child.exitCode === null) bot.child.kill("SIGKILL");
});
afterAll(() => fake.stop());

function botEnv(name: string): Record<string, string> {
  return {
    BOT_TOKEN: fake.token,
    BOT_API_ROOT: fake.apiRoot,
    DATABASE_URL: `file:${join(dir, `${name}.db`)}`,
    PORT: "0",
    LOG_LEVEL: "info",
  };
}

async function startedBot(name: string): Promise<Bot> {
  const bot = startImageCommand(botEnv(name));
  await waitFor(
    () =>
      logged(bot, "bot started") ?? (bot.child.exitCode !== null ? Promise.reject(new Error(bot.stderr())) : undefined),
    60_000,
  );
  return bot;
}

async function stopLikeDocker(bot: Bot): Promise<{ code: number | null; ms: number }> {
  const sentAt = Date.now();
  bot.child.kill("SIGTERM");
  const { code, at } = await bot.exited;
  return { code, ms: at - sentAt };
}

describe("the image's command", () => {
  it("migrates, starts, and on SIGTERM logs the stop and exits within 10 s", async () => {
    const bot = await startedBot("plain");
    expect(existsSync(join(dir, "plain.db"))).toBe(true);
    const { code, ms } = await stopLikeDocker(bot);
    expect(ms).toBeLessThan(10_000);
    expect(code).toBe(0);
    expect(logged(bot, "stopping")).toMatchObject({ signal: "SIGTERM" });
    expect(logged(bot, "bot stopped")).toBeDefined();
  }, 90_000);

  it("exits within 10 s also while an update hangs on a slow Telegram", async () => {
    const bot = await startedBot("slow");
    const release = fake.stallCalls("sendMessage");
    try {
      const user = fake.user({ id: 7501, firstName: "Olga", languageCode: "ru" });
      user.send("/start");
      await waitFor(() => fake.callsFor(user.id).find((call) => call.method === "sendMessage"), 15_000);
      const { code, ms } = await stopLikeDocker(bot);
      expect(ms).toBeLessThan(10_000);
      expect(code).toBe(0);
      expect(logged(bot, "updates still in flight at stop")).toBeDefined();
      expect(logged(bot, "bot stopped")).toBeDefined();
    } finally {
      release();
    }
  }, 90_000);
});

describe("configuration first", () => {
  async function failedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const bot = startImageCommand(env);
    const { code } = await bot.exited;
    return { code, stderr: bot.stderr() };
  }

  it("names a missing BOT_TOKEN, exits 1 and creates no database", async () => {
    const { BOT_TOKEN: _token, ...env } = botEnv("no-token");
    const { code, stderr } = await failedStart(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ {2}- BOT_TOKEN is required/m);
    expect(existsSync(join(dir, "no-token.db"))).toBe(false);
  });

  it("names DATABASE_URL and the expected form for a sqlite:// URL", async () => {
    const { code, stderr } = await failedStart({ ...botEnv("x"), DATABASE_URL: "sqlite://./data/belm.db" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATABASE_URL must be a SQLite file URL of the form "file:<path>"/);
    expect(stderr).not.toMatch(/prisma|engine|binaries/i);
  });
});
