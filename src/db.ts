import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client.js";
import { ensureDatabaseDirectory } from "./db-url.js";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.js";

/**
 * How long a write waits for another process's lock (an import, an admin's sqlite3 session)
 * before failing. better-sqlite3 waits synchronously, so the whole bot pauses meanwhile; with
 * WAL only writes ever wait, and the bot's own transactions take milliseconds.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * WAL lets readers and one writer work at once (imports while residents use the bot);
 * synchronous=NORMAL is durable enough with WAL; secure_delete zeroes deleted content so erased
 * people cannot be read from free pages.
 */
export const SQLITE_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;";

/** The better-sqlite3 adapter with the bot's connection settings applied to every connection it opens. */
class TunedSQLite3 extends PrismaBetterSQLite3 {
  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS);
    return adapter;
  }
}

/** Opens the store behind DATABASE_URL. Only SQLite (`file:` URLs) is supported by this schema. */
export function createDb(databaseUrl: string): Db {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL, got "${databaseUrl}"`);
  }
  ensureDatabaseDirectory(databaseUrl);
  return new PrismaClient({
    adapter: new TunedSQLite3({ url: databaseUrl, timeout: BUSY_TIMEOUT_MS }),
    // One connection serves every transaction in turn; while another process holds the lock
    // they queue longer than Prisma's default of 2 s.
    transactionOptions: { maxWait: 2 * BUSY_TIMEOUT_MS, timeout: 2 * BUSY_TIMEOUT_MS },
  });
}

/**
 * Moves everything in the WAL into the database file and empties the WAL, so values just
 * overwritten (an erasure) do not linger in old WAL frames.
 */
export async function checkpointWal(db: Db): Promise<void> {
  await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
}
