import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createDb, type Db } from "../../src/db.js";

export interface TestDatabase {
  db: Db;
  url: string;
}

/** A fresh, migrated SQLite database in its own file (copied from the migrated template). */
export function createTestDb(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), "belm-db-"));
  const path = join(dir, "test.db");
  copyFileSync(inject("templateDatabasePath"), path);
  const url = `file:${path}`;
  return { db: createDb(url), url };
}
