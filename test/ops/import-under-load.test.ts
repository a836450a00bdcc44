import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onboard, startTestBot, type RunningTestBot } from "../support/app.js";
import { createTestDb, type TestDatabase } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";

let fake: FakeTelegram;
let database: TestDatabase;
let running: RunningTestBot;

beforeAll(async () => {
  fake = await FakeTelegram.start();
  database = createTestDb();
  await database.db.$connect(); // switches the file to WAL, as the bot does at its start
  running = startTestBot(fake, database.db);
});
afterAll(async () => {
  await running.stop();
  await database.db.$disconnect();
  await fake.stop();
});

function runImport(script: string, file: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", script, file], {
    env: { ...process.env, DATABASE_URL: database.url, TIME_ZONE: "Europe/Berlin" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Residents onboarding and browsing in a loop, each step a write or a read of the bot, until told to stop. */
async function residentsUntil(done: () => boolean, firstId: number): Promise<number> {
  let steps = 0;
  await Promise.all(
    [0, 1, 2, 3, 4, 5].map(async (index) => {
      const user = fake.user({ id: firstId + index, firstName: `Load${index}`, languageCode: index % 2 ? "ru" : "de" });
      await onboard(user);
      while (!done()) {
        user.send("/courses");
        await user.nextReply();
        steps++;
      }
    }),
  );
  return steps;
}

describe("imports while the bot is busy", () => {
  it("courses:import and events:import succeed while residents use the bot", async () => {
    let finished = false;
    const load = residentsUntil(() => finished, 7401);
    // One import after the other, as an operator runs them; the bot keeps writing meanwhile.
    const courses = await runImport("src/features/courses/import-cli.ts", "examples/courses.yaml");
    const events = await runImport("src/features/events/import-cli.ts", "examples/events.yaml");
    const results = [courses, events];
    finished = true;
    const steps = await load;

    for (const result of results) expect(result.code, result.output).toBe(0);
    expect(await database.db.course.count()).toBeGreaterThan(0);
    expect(await database.db.event.count()).toBeGreaterThan(0);
    expect(steps).toBeGreaterThan(0);
    expect(running.logs.filter((line) => line.level === "error")).toEqual([]);
  });
});
