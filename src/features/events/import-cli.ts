import { countsSummary, runImportCli } from "../../file-import-cli.js";
import { importEvents, parseEventFile, type ImportedEvent } from "./import.js";

// `npm run events:import <file>`: creates the events of a YAML or CSV file, all of them or none.

process.exitCode = await runImportCli<ImportedEvent[]>(
  {
    usage: `Usage: npm run events:import <file>
Creates or updates the events of a .yaml, .yml or .csv file (weeks > 1 makes a weekly series); see examples/ for the format.
Running it again with the same file creates nothing twice: each date is found again by the "key"
column and its week, or else by titleDe, day and from; descriptions, place and capacity are updated.
A file with any problem imports nothing and every problem is listed with its line.`,
    parse: (path, content) => {
      const parsed = parseEventFile(path, content);
      return parsed.ok ? { ok: true, value: parsed.events } : parsed;
    },
    store: async (db, events, timeZone) => {
      const result = await importEvents(db, events, timeZone);
      return result.ok ? { ok: true, summary: `${countsSummary(result, "event")}.` } : result;
    },
  },
  process.argv.slice(2),
);
