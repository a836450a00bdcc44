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
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      ADMIN_TELEGRAM_IDS: " 42, 4711 ",
      BOT_API_ROOT: "http://127.0.0.1:8081",
      DEMO_DATA: "true",
    });
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
    expect(
      problemsOf({
        BOT_TOKEN: TOKEN,
        MODE: "webhook",
        WEBHOOK_URL: "http://bot.example.org/hook",
        WEBHOOK_SECRET: "short",
      }),
    ).toHaveLength(2);
  });

  it("reads the retention period and the contacts of the privacy notice, with the office's defaults", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN })).toMatchObject({
      retentionMonths: 24,
      privacy: {
        controllerName: "Gemeinde Belm, Quartiersmanagement",
        controllerAddress: "Marktring 15, 49191 Belm",
        dpoContact: "Datenschutzbeauftragte der Gemeinde Belm, Marktring 15, 49191 Belm",
      },
    });
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      RETENTION_MONTHS: "36",
      PRIVACY_CONTROLLER_NAME: " Samtgemeinde Muster ",
      PRIVACY_CONTROLLER_ADDRESS: "Hauptstraße 1, 12345 Muster",
      PRIVACY_DPO_CONTACT: "datenschutz@muster.example",
    });
    expect(config.retentionMonths).toBe(36);
    expect(config.privacy).toEqual({
      controllerName: "Samtgemeinde Muster",
      controllerAddress: "Hauptstraße 1, 12345 Muster",
      dpoContact: "datenschutz@muster.example",
    });
  });

  it("names a retention period that is no whole number of months or too short for the notice", () => {
    expect(problemsOf({ BOT_TOKEN: TOKEN, RETENTION_MONTHS: "zwei" })).toEqual([
      "RETENTION_MONTHS must be a whole number of months",
    ]);
    expect(problemsOf({ BOT_TOKEN: TOKEN, RETENTION_MONTHS: "1.5" })).toEqual([
      "RETENTION_MONTHS must be a whole number of months",
    ]);
    expect(problemsOf({ BOT_TOKEN: TOKEN, RETENTION_MONTHS: "1" })).toEqual([
      "RETENTION_MONTHS must be at least 2 (the notice goes out 30 days before the erasure)",
    ]);
    expect(problemsOf({ BOT_TOKEN: TOKEN, PRIVACY_DPO_CONTACT: "x".repeat(201) })).toEqual([
      "PRIVACY_DPO_CONTACT must be at most 200 characters",
    ]);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN, PORT: "", ADMIN_TELEGRAM_IDS: "" }).port).toBe(8080);
  });
});
