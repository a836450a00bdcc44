import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { backupDatabase, listBackups, restoreDatabase, RestoreRefused } from "./backup.js";
import { backupDirFor, DEFAULT_DATABASE_URL, sqliteFilePath } from "./db-url.js";

// `npm run db:backup` writes today's backup now; `npm run db:restore <file>` puts one back.

const USAGE = `Usage:
  npm run db:backup              write today's backup into BACKUP_DIR (default: "backups" beside the database)
  npm run db:restore <file>      replace the database with a backup; the bot must be stopped`;

async function main(args: readonly string[]): Promise<number> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const databasePath = databaseUrl.startsWith("file:") ? sqliteFilePath(databaseUrl) : undefined;
  if (!databasePath) {
    console.error(`DATABASE_URL must be a SQLite file URL of the form "file:<path>", got "${databaseUrl}"`);
    return 1;
  }
  const backupDir = backupDirFor(databaseUrl, process.env.BACKUP_DIR || undefined);
  const [command, file] = args;
  if (command === "backup" && !file) {
    if (!existsSync(databasePath)) {
      console.error(`There is no database at ${databasePath} (DATABASE_URL).`);
      return 1;
    }
    console.log(`Backup written: ${await backupDatabase(databasePath, backupDir, new Date())}`);
    return 0;
  }
  if (command === "restore" && file) {
    // npm runs scripts in the project folder; INIT_CWD is where the operator typed the command.
    const backupFile = resolve(process.env.INIT_CWD ?? process.cwd(), file);
    try {
      const safetyCopy = await restoreDatabase(backupFile, databasePath, backupDir, new Date());
      console.log(`Restored ${databasePath} from ${backupFile}.`);
      if (safetyCopy)
        console.log(`The database as it was before is in ${safetyCopy}; delete it once the restore is confirmed.`);
      return 0;
    } catch (error) {
      if (!(error instanceof RestoreRefused)) throw error;
      console.error(`Nothing was restored. ${error.message}`);
      return 1;
    }
  }
  console.error(USAGE);
  const backups = listBackups(backupDir);
  if (backups.length > 0) console.error(`\nBackups in ${backupDir}:\n${backups.map((path) => `  ${path}`).join("\n")}`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
