import { countsSummary, plural, runImportCli } from "../../file-import-cli.js";
import { importCourses, parseCourseFile, type ImportedCourse } from "./import.js";

// `npm run courses:import <file>`: creates the courses of a YAML or CSV file, all of them or none.

process.exitCode = await runImportCli<ImportedCourse[]>(
  {
    usage: `Usage: npm run courses:import <file>
Creates or updates the courses of a .yaml, .yml or .csv file with their sessions; see examples/ for the format.
Running it again with the same file creates nothing twice: a course is found again by its "key"
column, or else by titleDe, firstDay and place; descriptions, place and capacity are updated.
A file with any problem imports nothing and every problem is listed with its line.`,
    parse: (path, content) => {
      const parsed = parseCourseFile(path, content);
      return parsed.ok ? { ok: true, value: parsed.courses } : parsed;
    },
    store: async (db, courses, timeZone) => {
      const result = await importCourses(db, courses, timeZone);
      return result.ok
        ? {
            ok: true,
            summary: `${countsSummary(result, "course")} (the new ones with ${plural(result.sessions, "session")}).`,
          }
        : result;
    },
  },
  process.argv.slice(2),
);
