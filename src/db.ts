import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client.js";
import { ensureDatabaseDirectory } from "./db-url.js";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.js";

/** Opens the store behind DATABASE_URL. Only SQLite (`file:` URLs) is supported by this schema. */
export function createDb(databaseUrl: string): Db {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL, got "${databaseUrl}"`);
  }
  ensureDatabaseDirectory(databaseUrl);
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
}
