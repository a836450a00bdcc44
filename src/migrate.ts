import { execFile } from "node:child_process";
import { createRequire } from "node:module";

/** What `prisma migrate deploy` printed when it failed. */
export class MigrationError extends Error {
  constructor(readonly output: string) {
    super(`Applying the database migrations failed:\n${output.trim()}`);
    this.name = "MigrationError";
  }
}

/**
 * Applies the committed migrations with Prisma's own CLI (offline, through the JavaScript schema
 * engine, see prisma.config.ts). The bot runs it itself, after checking the configuration, so
 * that in a container its node process is the one receiving signals and nothing touches the
 * database before the configuration is known to be good.
 */
export function applyMigrations(databaseUrl: string): Promise<string> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, "migrate", "deploy"],
      { env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" }, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new MigrationError(`${stdout}\n${stderr}`)) : resolve(stdout)),
    );
  });
}
