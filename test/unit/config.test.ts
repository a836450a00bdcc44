import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789";

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("fills sensible defaults around a valid token", () => {
    const config = loadConfig({ BOT_TOKEN: TOKEN });
    expect(config).toMatchObject({
      botToken: TOKEN,
      databaseUrl: "file:./data/belm.db",
      mode: "polling",
      port: 8080,
      adminTelegramIds: [],
      timeZone: "Europe/Berlin",
      logLevel: "info",
      demoData: false,
    });
  });

  it("reads admin ids, the API root and the demo switch", () => {
    const config = loadConfig({ BOT_TOKEN: TOKEN, ADMIN_TELEGRAM_IDS: " 42, 4711 ", BOT_API_ROOT: "http://127.0.0.1:8081", DEMO_DATA: "true" });
    expect(config.adminTelegramIds).toEqual([42, 4711]);
    expect(config.botApiRoot).toBe("http://127.0.0.1:8081");
    expect(config.demoData).toBe(true);
  });

  it("names the missing token", () => {
    expect(problemsOf({})).toEqual(["BOT_TOKEN is required (the token from @BotFather)"]);
  });

  it("gives one line per bad value, naming the variable", () => {
    const problems = problemsOf({
      BOT_TOKEN: "not-a-token",
      BOT_API_ROOT: "ftp://example.org",
      ADMIN_TELEGRAM_IDS: "42,abc",
      PORT: "70000",
      TIME_ZONE: "Europe/Belm",
      DATABASE_URL: "postgres://localhost/belm",
    });
    expect(problems.map((line) => line.split(" ")[0])).toEqual([
      "BOT_TOKEN",
      "DATABASE_URL",
      "BOT_API_ROOT",
      "PORT",
      "ADMIN_TELEGRAM_IDS",
      "TIME_ZONE",
    ]);
    expect(problems.find((line) => line.startsWith("ADMIN_TELEGRAM_IDS"))).toContain('"abc"');
  });

  it("requires URL and secret in webhook mode", () => {
    expect(problemsOf({ BOT_TOKEN: TOKEN, MODE: "webhook" })).toEqual([
      "WEBHOOK_URL is required when MODE=webhook",
      "WEBHOOK_SECRET is required when MODE=webhook",
    ]);
    expect(problemsOf({ BOT_TOKEN: TOKEN, MODE: "webhook", WEBHOOK_URL: "http://bot.example.org/hook", WEBHOOK_SECRET: "short" })).toHaveLength(2);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN, PORT: "", ADMIN_TELEGRAM_IDS: "" }).port).toBe(8080);
  });
});
