import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Where the bot keeps its data when DATABASE_URL is not set: an embedded SQLite file. */
export const DEFAULT_DATABASE_URL = "file:./data/belm.db";

/** The file path of a `file:` SQLite URL, or undefined for in-memory databases. */
export function sqliteFilePath(url: string): string | undefined {
  const path = url.replace(/^file:/, "").split("?")[0] ?? "";
  return path === "" || path === ":memory:" ? undefined : resolve(path);
}

/** SQLite creates the file but not its folder; a missing folder would fail with an opaque error. */
export function ensureDatabaseDirectory(url: string): void {
  const path = sqliteFilePath(url);
  if (path) mkdirSync(dirname(path), { recursive: true });
}

/** The backup folder: BACKUP_DIR when set, otherwise "backups" beside the database file. */
export function backupDirFor(url: string, configured: string | undefined): string {
  if (configured) return resolve(configured);
  const path = sqliteFilePath(url);
  return path ? join(dirname(path), "backups") : resolve("backups");
}
