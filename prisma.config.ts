import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { DEFAULT_DATABASE_URL, ensureDatabaseDirectory } from "./src/db-url.js";

// The CLI refuses to read the schema when DATABASE_URL is unset, so give it the bot's default.
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;

// The JavaScript schema engine (through the driver adapter) lets migrations run without
// downloading a native engine, so installs and deployments work offline.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter() {
    const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    ensureDatabaseDirectory(url);
    return Promise.resolve(new PrismaBetterSQLite3({ url }));
  },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
});
