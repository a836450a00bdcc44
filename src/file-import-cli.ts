import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isTimeZone } from "./config.js";
import { createDb, type Db } from "./db.js";
import { DEFAULT_DATABASE_URL, sqliteFilePath } from "./db-url.js";
import { formatProblem, type ImportProblem } from "./file-import.js";

/** What an import script (`npm run courses:import <file>`, `npm run events:import <file>`) does with a file. */
export interface ImportCommand<Parsed> {
  usage: string;
  parse(path: string, content: string): { ok: true; value: Parsed } | { ok: false; problems: ImportProblem[] };
  /** Stores all or nothing; the summary is printed on success. */
  store(
    db: Db,
    parsed: Parsed,
    timeZone: string,
  ): Promise<{ ok: true; summary: string } | { ok: false; problems: ImportProblem[] }>;
}

function reportProblems(problems: readonly ImportProblem[]): number {
  console.error("Nothing was imported. Problems:");
  for (const problem of problems) console.error(`  ${formatProblem(problem)}`);
  return 1;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** "2 courses created, 1 updated, 3 unchanged": what a re-run of the same file did. */
export function countsSummary(counts: { created: number; updated: number; unchanged: number }, noun: string): string {
  return `${plural(counts.created, noun)} created, ${counts.updated} updated, ${counts.unchanged} unchanged`;
}

function readImportFile(path: string): { content: string } | { problem: ImportProblem } {
  try {
    return { content: readFileSync(path, "utf8") };
  } catch (error) {
    return {
      problem: { line: 0, message: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}` },
    };
  }
}

function settingProblems(databaseUrl: string, timeZone: string): ImportProblem[] {
  const problems: ImportProblem[] = [];
  if (!isTimeZone(timeZone))
    problems.push({ line: 0, message: `TIME_ZONE "${timeZone}" is not a known IANA time zone` });
  if (!databaseUrl.startsWith("file:"))
    problems.push({ line: 0, message: `DATABASE_URL must be a SQLite "file:" URL, got "${databaseUrl}"` });
  const path = sqliteFilePath(databaseUrl);
  // Opening a missing file would create an empty database without tables.
  if (databaseUrl.startsWith("file:") && path && !existsSync(path)) {
    problems.push({
      line: 0,
      message: `there is no database at ${path} (DATABASE_URL); run "npm run db:migrate" first`,
    });
  }
  return problems;
}

/** Runs an import script; returns the exit code. */
export async function runImportCli<Parsed>(command: ImportCommand<Parsed>, args: readonly string[]): Promise<number> {
  const [fileArgument] = args;
  if (!fileArgument) {
    console.error(command.usage);
    return 1;
  }
  if (existsSync(".env")) process.loadEnvFile(".env");
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const timeZone = process.env.TIME_ZONE || "Europe/Berlin";
  // npm runs scripts in the project folder; INIT_CWD is where the operator typed the command.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), fileArgument);

  const file = readImportFile(path);
  if ("problem" in file) return reportProblems([file.problem]);
  const parsed = command.parse(path, file.content);
  if (!parsed.ok) return reportProblems(parsed.problems);
  const problems = settingProblems(databaseUrl, timeZone);
  if (problems.length > 0) return reportProblems(problems);

  const db = createDb(databaseUrl);
  try {
    const result = await command.store(db, parsed.value, timeZone);
    if (!result.ok) return reportProblems(result.problems);
    console.log(result.summary);
    return 0;
  } catch (error) {
    return reportProblems([
      {
        line: 0,
        message: `the database refused the import: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  } finally {
    await db.$disconnect();
  }
}
