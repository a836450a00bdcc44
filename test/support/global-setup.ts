import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabasePath: string;
  }
}

/**
 * Applies the committed migrations once, with the real Prisma CLI, to a template database that
 * every test file then copies (see createTestDb). This proves the migrations apply and keeps
 * each test file on a fresh database without paying for the CLI each time.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "belm-test-"));
  const path = join(dir, "template.db");
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${path}` },
    stdio: "pipe",
  });
  project.provide("templateDatabasePath", path);
  return () => rmSync(dir, { recursive: true, force: true });
}
