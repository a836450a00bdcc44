import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { backupDatabase, backupsToKeep, pruneBackups, restoreDatabase } from "../../src/backup.js";
import { createDb } from "../../src/db.js";
import { sqliteFilePath } from "../../src/db-url.js";
import { createTestDb } from "../support/db.js";

/** Every table's schema and rows in a fixed order: two databases with equal dumps hold the same data. */
function dump(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
      sql: string;
    }[];
    return JSON.stringify(
      tables.map(({ name, sql }) => ({ sql, rows: db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all() })),
      (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
    );
  } finally {
    db.close();
  }
}

async function databaseWithPeople() {
  const test = createTestDb();
  for (const [index, name] of ["Anna", "Boris", "Chiara"].entries()) {
    await test.db.person.create({
      data: { telegramId: BigInt(9000 + index), chatId: BigInt(9000 + index), firstName: name, language: "de" },
    });
  }
  return { ...test, path: sqliteFilePath(test.url) ?? "" };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "src/backup-cli.ts", ...args], {
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

describe("backups", () => {
  it("a backup taken while the bot has the database open, restored later, gives an identical dump", async () => {
    const { db, path } = await databaseWithPeople();
    const backupDir = mkdtempSync(join(tmpdir(), "belm-backups-"));
    const file = await backupDatabase(path, backupDir, new Date("2026-12-01T03:15:00Z"));
    expect(file).toBe(join(backupDir, "belm-2026-12-01.db"));
    await db.$disconnect();
    const atBackup = dump(path);

    // Later changes, then the restore brings back the state of the backup.
    const later = createDb(`file:${path}`);
    await later.person.deleteMany({ where: { firstName: "Boris" } });
    await later.person.create({ data: { telegramId: 9100n, chatId: 9100n, firstName: "Dmitri", language: "ru" } });
    await later.$disconnect();
    expect(dump(path)).not.toBe(atBackup);

    const safetyCopy = await restoreDatabase(file, path, backupDir, new Date("2026-12-02T10:00:00Z"));
    expect(dump(path)).toBe(atBackup);
    expect(safetyCopy && existsSync(safetyCopy)).toBe(true);
    expect(dump(safetyCopy ?? "")).toContain("Dmitri");
  });

  it("refuses to restore while the bot has the database open, and changes nothing", async () => {
    const { db, path } = await databaseWithPeople();
    const backupDir = mkdtempSync(join(tmpdir(), "belm-backups-"));
    const file = await backupDatabase(path, backupDir, new Date("2026-12-01T03:15:00Z"));
    await db.person.create({ data: { telegramId: 9200n, chatId: 9200n, firstName: "Elif", language: "de" } });
    await expect(restoreDatabase(file, path, backupDir, new Date())).rejects.toThrow(/in use \(is the bot running\?\)/);
    expect(await db.person.count({ where: { firstName: "Elif" } })).toBe(1);
    await db.$disconnect();
  });

  it("refuses a file that is not a backup of this database", async () => {
    const { db, path } = await databaseWithPeople();
    await db.$disconnect();
    const bogus = join(mkdtempSync(join(tmpdir(), "belm-bogus-")), "notes.db");
    writeFileSync(bogus, "not a database at all, just some text that is long enough to be read".repeat(100));
    await expect(restoreDatabase(bogus, path, tmpdir(), new Date())).rejects.toThrow(
      /cannot be read|not a backup|damaged/,
    );
  });

  it("keeps 7 daily and 4 weekly backups, nothing older than 5 weeks", () => {
    const days = Array.from({ length: 60 }, (_, index) =>
      new Date(Date.UTC(2026, 9, 1 + index)).toISOString().slice(0, 10),
    );
    const kept = [...backupsToKeep(days)].sort();
    expect(kept).toHaveLength(11);
    expect(kept.slice(-7)).toEqual(days.slice(-7));
    const oldest = new Date(`${kept[0]}T00:00:00Z`).getTime();
    const newest = new Date(`${days.at(-1)}T00:00:00Z`).getTime();
    expect((newest - oldest) / 86_400_000).toBeLessThanOrEqual(35);

    const dir = mkdtempSync(join(tmpdir(), "belm-rotation-"));
    for (const day of days) writeFileSync(join(dir, `belm-${day}.db`), "");
    writeFileSync(join(dir, "unrelated.txt"), "");
    pruneBackups(dir, new Date());
    expect(readdirSync(dir).sort()).toEqual([...kept.map((day) => `belm-${day}.db`), "unrelated.txt"]);
  });

  it("npm run db:backup and db:restore work from the command line", async () => {
    const { db, path, url } = await databaseWithPeople();
    await db.$disconnect();
    const backupDir = mkdtempSync(join(tmpdir(), "belm-backups-"));
    const env = { DATABASE_URL: url, BACKUP_DIR: backupDir };
    const backup = await runCli(["backup"], env);
    expect(backup.code, backup.output).toBe(0);
    const [file] = readdirSync(backupDir);
    expect(file).toMatch(/^belm-\d{4}-\d{2}-\d{2}\.db$/);
    const restore = await runCli(["restore", join(backupDir, file ?? "")], env);
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain("Restored");
    expect(dump(path)).toContain("Chiara");
  });
});
