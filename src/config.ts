import { z } from "zod";
import { backupDirFor, DEFAULT_DATABASE_URL } from "./db-url.js";
import { LOG_LEVELS } from "./logger.js";
import {
  DEFAULT_PRIVACY_CONTACTS,
  DEFAULT_RETENTION_MONTHS,
  type PrivacyContacts,
} from "./features/onboarding/privacy.js";

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const telegramIdList = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const parts = value === "" ? [] : value.split(",").map((part) => part.trim());
    const invalid = parts.filter((part) => !/^[1-9]\d{0,15}$/.test(part));
    if (invalid.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `contains something that is not a Telegram user id: ${invalid.map((part) => `"${part}"`).join(", ")}`,
      });
      return z.NEVER;
    }
    return parts.map(Number);
  });

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** A line of the privacy notice; kept short so the whole notice fits into one Telegram message. */
const privacyText = z.string().trim().max(200, "must be at most 200 characters");

const configSchema = z
  .object({
    BOT_TOKEN: z
      .string({ error: "is required (the token from @BotFather)" })
      .regex(
        /^\d{1,20}:[A-Za-z0-9_-]{30,}$/,
        "does not look like a bot token (digits, a colon, then 30+ letters, digits, _ or -)",
      ),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine(
        (value) => value.startsWith("file:") && value.length > "file:".length,
        'must be a SQLite file URL of the form "file:<path>", e.g. "file:./data/belm.db"',
      ),
    BOT_API_ROOT: httpUrl.optional(),
    MODE: z.enum(["polling", "webhook"], { error: 'must be "polling" or "webhook"' }).default("polling"),
    WEBHOOK_URL: z
      .url({ protocol: /^https$/, error: "must be an https URL (Telegram only calls https webhooks)" })
      .optional(),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A–Z, a–z, 0–9, _ or -")
      .optional(),
    PORT: z.coerce
      .number({ error: "must be a port number" })
      .int()
      .min(0, "must be a port number")
      .max(65535, "must be a port number")
      .default(8080),
    ADMIN_TELEGRAM_IDS: telegramIdList.default([]),
    TIME_ZONE: z.string().refine(isTimeZone, "is not a known IANA time zone").default("Europe/Berlin"),
    DEMO_DATA: z.enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' }).default("false"),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    RETENTION_MONTHS: z.coerce
      .number({ error: "must be a whole number of months" })
      .int("must be a whole number of months")
      .min(2, "must be at least 2 (the notice goes out 30 days before the erasure)")
      .max(120, "must be at most 120")
      .default(DEFAULT_RETENTION_MONTHS),
    PRIVACY_CONTROLLER_NAME: privacyText.default(DEFAULT_PRIVACY_CONTACTS.controllerName),
    PRIVACY_CONTROLLER_ADDRESS: privacyText.default(DEFAULT_PRIVACY_CONTACTS.controllerAddress),
    PRIVACY_DPO_CONTACT: privacyText.default(DEFAULT_PRIVACY_CONTACTS.dpoContact),
    BACKUP_DIR: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.MODE !== "webhook") return;
    if (!env.WEBHOOK_URL)
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_URL"], message: "is required when MODE=webhook" });
    if (!env.WEBHOOK_SECRET)
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when MODE=webhook" });
  });

type ParsedEnv = z.infer<typeof configSchema>;

export interface Config {
  botToken: string;
  databaseUrl: string;
  botApiRoot: string | undefined;
  mode: ParsedEnv["MODE"];
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  port: number;
  adminTelegramIds: number[];
  timeZone: string;
  logLevel: ParsedEnv["LOG_LEVEL"];
  /** Fill the demo data of the municipality at start when the database has no courses yet. */
  demoData: boolean;
  /** People unused for this many months (and with nothing running) are erased automatically. */
  retentionMonths: number;
  /** Who is responsible for the data and whom to ask, as the privacy notice names them. */
  privacy: PrivacyContacts;
  /** Where the nightly backups go; default: a "backups" folder beside the database file. */
  backupDir: string;
}

/** Raised when the environment is incomplete or wrong; `problems` holds one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the configuration from environment variables; empty values count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = configSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`),
    );
  }
  const parsed = result.data;
  return {
    botToken: parsed.BOT_TOKEN,
    databaseUrl: parsed.DATABASE_URL,
    botApiRoot: parsed.BOT_API_ROOT,
    mode: parsed.MODE,
    webhookUrl: parsed.WEBHOOK_URL,
    webhookSecret: parsed.WEBHOOK_SECRET,
    port: parsed.PORT,
    adminTelegramIds: parsed.ADMIN_TELEGRAM_IDS,
    timeZone: parsed.TIME_ZONE,
    logLevel: parsed.LOG_LEVEL,
    demoData: parsed.DEMO_DATA === "true" || parsed.DEMO_DATA === "1",
    retentionMonths: parsed.RETENTION_MONTHS,
    privacy: {
      controllerName: parsed.PRIVACY_CONTROLLER_NAME,
      controllerAddress: parsed.PRIVACY_CONTROLLER_ADDRESS,
      dpoContact: parsed.PRIVACY_DPO_CONTACT,
    },
    backupDir: backupDirFor(parsed.DATABASE_URL, parsed.BACKUP_DIR),
  };
}
