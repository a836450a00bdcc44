import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchDatabases {
  /** Copies the migrated template to `<name>.db` in the folder and returns its path. */
  fresh(name: string): string;
  /** Removes the folder with every copy. */
  remove(): void;
}

/**
 * A temporary folder holding a template database that the committed migrations were applied to
 * with the real Prisma CLI (as the tests do); every run of a benchmark works on its own copy.
 */
export function migratedDatabases(): BenchDatabases {
  const dir = mkdtempSync(join(tmpdir(), "belm-bench-"));
  const template = join(dir, "template.db");
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${template}` },
    stdio: "pipe",
  });
  return {
    fresh(name) {
      const path = join(dir, `${name}.db`);
      copyFileSync(template, path);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
