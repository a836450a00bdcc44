import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import Database from "better-sqlite3";

/**
 * Online backups of the SQLite file with SQLite's backup API: consistent while the bot runs
 * (WAL lets it keep writing). One file per day, belm-YYYY-MM-DD.db; the newest 7 stay, and of
 * older ones the newest of each of the 4 latest weeks, so nothing is older than about 5 weeks.
 */

export const DAILY_BACKUPS = 7;
export const WEEKLY_BACKUPS = 4;
/** Copies taken just before a restore are dropped after as long as the oldest weekly backup. */
const BEFORE_RESTORE_KEEP_MS = (DAILY_BACKUPS + WEEKLY_BACKUPS * 7) * 86_400_000;

const DAILY_NAME = /^belm-(\d{4}-\d{2}-\d{2})\.db$/;
const BEFORE_RESTORE_NAME = /^belm-before-restore-.*\.db$/;

const day = (instant: Date) => instant.toISOString().slice(0, 10);

/** Writes a consistent copy of the database to `target` (through a temporary file, so a crash leaves no half copy). */
async function copyDatabase(sourcePath: string, target: string): Promise<void> {
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true });
  const temporary = `${target}.partial`;
  try {
    rmSync(temporary, { force: true });
    await source.backup(temporary);
    renameSync(temporary, target);
  } finally {
    source.close();
    rmSync(temporary, { force: true });
  }
}

/** Today's backup (replacing an earlier one of the same day), then the rotation. Returns the file. */
export async function backupDatabase(databasePath: string, backupDir: string, now: Date): Promise<string> {
  mkdirSync(backupDir, { recursive: true });
  const target = join(backupDir, `belm-${day(now)}.db`);
  await copyDatabase(databasePath, target);
  pruneBackups(backupDir, now);
  return target;
}

/** Monday of the week (UTC) of a YYYY-MM-DD day, as a key. */
function weekOf(isoDay: string): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return day(date);
}

/** The daily backups to keep: the newest 7, then the newest of each of the 4 weeks before them. */
export function backupsToKeep(days: readonly string[]): Set<string> {
  const newestFirst = [...days].sort().reverse();
  const keep = new Set(newestFirst.slice(0, DAILY_BACKUPS));
  const weeks = new Set<string>();
  for (const candidate of newestFirst.slice(DAILY_BACKUPS)) {
    const week = weekOf(candidate);
    if (weeks.has(week) || weeks.size >= WEEKLY_BACKUPS) continue;
    weeks.add(week);
    keep.add(candidate);
  }
  return keep;
}

/** Deletes daily backups beyond the rotation and copies taken before a restore older than 5 weeks. */
export function pruneBackups(backupDir: string, now: Date): string[] {
  const files = readdirSync(backupDir);
  const days = files.flatMap((file) => DAILY_NAME.exec(file)?.[1] ?? []);
  const keep = backupsToKeep(days);
  const removed = files.filter((file) => {
    const daily = DAILY_NAME.exec(file)?.[1];
    if (daily) return !keep.has(daily);
    return (
      BEFORE_RESTORE_NAME.test(file) && now.getTime() - statSync(join(backupDir, file)).mtimeMs > BEFORE_RESTORE_KEEP_MS
    );
  });
  for (const file of removed) rmSync(join(backupDir, file));
  return removed;
}

/** Raised when a restore must not go ahead; the message says why, for the operator. */
export class RestoreRefused extends Error {}

/**
 * True when no other connection has the database open: leaving WAL mode needs exclusive access,
 * and the running bot always keeps its connection open.
 */
function nobodyElseUses(databasePath: string): boolean {
  if (!existsSync(databasePath)) return true;
  const db = new Database(databasePath, { timeout: 0 });
  try {
    const mode = db.pragma("journal_mode = DELETE", { simple: true }) as string;
    return mode.toLowerCase() === "delete";
  } catch {
    return false;
  } finally {
    db.close();
  }
}

function checkBackupFile(backupFile: string): void {
  if (!existsSync(backupFile)) throw new RestoreRefused(`There is no backup file at ${backupFile}.`);
  const db = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true }) as string;
    if (integrity !== "ok") throw new RestoreRefused(`${backupFile} is damaged: ${integrity}`);
    const hasMigrations = db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_prisma_migrations'").get();
    if (!hasMigrations) throw new RestoreRefused(`${backupFile} is not a backup of this bot's database.`);
  } catch (error) {
    if (error instanceof RestoreRefused) throw error;
    throw new RestoreRefused(
      `${backupFile} cannot be read as a SQLite database: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    db.close();
  }
}

/**
 * Replaces the database with a backup. Refuses while anything (the bot) has the database open;
 * the current database is first copied to belm-before-restore-….db in the backup folder.
 * Returns that copy's path, if there was a database to copy.
 */
export async function restoreDatabase(
  backupFile: string,
  databasePath: string,
  backupDir: string,
  now: Date,
): Promise<string | undefined> {
  checkBackupFile(backupFile);
  if (!nobodyElseUses(databasePath)) {
    throw new RestoreRefused(
      `The database ${databasePath} is in use (is the bot running?). Stop the bot, then restore.`,
    );
  }
  let safetyCopy: string | undefined;
  if (existsSync(databasePath)) {
    mkdirSync(backupDir, { recursive: true });
    safetyCopy = join(backupDir, `belm-before-restore-${now.toISOString().replace(/[:.]/g, "-")}.db`);
    await copyDatabase(databasePath, safetyCopy);
  }
  for (const leftover of [`${databasePath}-wal`, `${databasePath}-shm`]) rmSync(leftover, { force: true });
  await copyDatabase(backupFile, databasePath);
  return safetyCopy;
}

/** The backup files in the folder, newest first (for the command's listing). */
export function listBackups(backupDir: string): string[] {
  if (!existsSync(backupDir)) return [];
  return readdirSync(backupDir)
    .filter((file) => DAILY_NAME.test(file) || BEFORE_RESTORE_NAME.test(file))
    .sort()
    .reverse()
    .map((file) => join(backupDir, basename(file)));
}
