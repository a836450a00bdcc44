/**
 * Reading an import file (YAML or CSV) into raw records with their line numbers, before any
 * field is checked (src/file-import.ts checks them).
 */
import { CsvError, parse as parseCsv, type CsvErrorCode } from "csv-parse/sync";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { ImportProblem, RawRecord, RecordKind, Records } from "./file-import.js";

// ───────────────────────────── YAML ─────────────────────────────

function yamlList(doc: Document, kind: RecordKind) {
  const contents = doc.contents;
  if (isSeq(contents)) return contents;
  if (isMap(contents)) {
    const list = contents.get(kind.listKey, true);
    if (isSeq(list)) return list;
  }
  return undefined;
}

function yamlRecords(content: string, kind: RecordKind): Records {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *format`) let a file repeat a record's fields, e.g. an event held again on another day.
  const doc = parseDocument(content, { lineCounter, prettyErrors: false, merge: true });
  // An unclosed bracket is noticed at the very end, which may be the empty line after the last one.
  const lastLine = content.trimEnd().split("\n").length;
  const lineAt = (offset: number) => Math.min(lineCounter.linePos(offset).line, lastLine);
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => ({
        line: lineAt(error.pos[0]),
        message: `YAML: ${error.message.split("\n")[0]}`,
      })),
    };
  }
  const list = yamlList(doc, kind);
  if (!list)
    return {
      problems: [
        { line: 1, message: `the file must hold a list of ${kind.listKey}, at the top or under "${kind.listKey}:"` },
      ],
    };
  const records: RawRecord[] = [];
  const problems: ImportProblem[] = [];
  for (const item of list.items) {
    const line = lineAt((isNode(item) ? item.range : list.range)?.[0] ?? 0);
    if (isMap(item)) records.push({ line, fields: item.toJS(doc) as Record<string, unknown> });
    else problems.push({ line, message: `each ${kind.noun} must be a mapping of fields such as titleDe: …` });
  }
  return problems.length > 0 ? { problems } : { records };
}

// ───────────────────────────── CSV ─────────────────────────────

/** Spreadsheets set to German write ";" between fields; a header without any "," tells. */
function csvDelimiterOf(content: string): string {
  const header = content.split("\n", 1)[0] ?? "";
  return header.includes(";") && !header.includes(",") ? ";" : ",";
}

interface CsvRow {
  record: string[];
  info: { lines: number };
}

/** info.lines is the line a record ends on; a quoted field may span several lines. */
function startLineOf(row: CsvRow): number {
  const innerNewlines = row.record.reduce((count, field) => count + field.split("\n").length - 1, 0);
  return row.info.lines - innerNewlines;
}

const STRAY_QUOTE: readonly CsvErrorCode[] = [
  "INVALID_OPENING_QUOTE",
  "CSV_INVALID_CLOSING_QUOTE",
  "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
];

function csvErrorProblem(error: CsvError, lastRecordEnd: number): ImportProblem {
  // An unclosed quote is only noticed at the end of the file; the record after the last good one holds it.
  const recordStart = lastRecordEnd + 1;
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    return { line: recordStart, message: 'CSV: a quoted field in this record is never closed (a " is missing)' };
  }
  const line = typeof error.lines === "number" ? error.lines : recordStart;
  if (STRAY_QUOTE.includes(error.code)) {
    return {
      line,
      message: 'CSV: a field contains a "; put the whole field in quotes and write each " inside it as ""',
    };
  }
  return { line, message: `CSV: ${error.message}` };
}

function csvRows(content: string): { rows: CsvRow[] } | { problems: ImportProblem[] } {
  // csv-parse counts a CRLF inside a quoted field as two lines, so line endings are made uniform first.
  const normalized = content.replace(/\r\n?/g, "\n");
  let lastRecordEnd = 0;
  try {
    const rows = parseCsv(normalized, {
      bom: true,
      delimiter: csvDelimiterOf(normalized.replace(/^\uFEFF/, "")),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      on_record: (record: string[], context) => {
        lastRecordEnd = context.lines;
        return record;
      },
    }) as unknown as CsvRow[];
    return { rows };
  } catch (error) {
    if (error instanceof CsvError) return { problems: [csvErrorProblem(error, lastRecordEnd)] };
    throw error;
  }
}

function csvHeader(row: CsvRow, kind: RecordKind): { columns: string[] } | { problems: ImportProblem[] } {
  const line = startLineOf(row);
  const columns = row.record.map(
    (name) => kind.knownFields.find((known) => known.toLowerCase() === name.trim().toLowerCase()) ?? name.trim(),
  );
  const problems = [
    ...columns.filter((name) => !kind.knownFields.includes(name)).map((name) => `unknown column "${name}"`),
    ...columns.filter((name, index) => columns.indexOf(name) !== index).map((name) => `column "${name}" appears twice`),
    ...kind.knownFields
      .filter((name) => !kind.optionalFields.includes(name) && !columns.includes(name))
      .map((name) => `column "${name}" is missing`),
  ];
  if (problems.length > 0) return { problems: problems.map((message) => ({ line, message })) };
  return { columns };
}

function csvRecord(columns: string[], row: CsvRow): RawRecord | ImportProblem {
  const line = startLineOf(row);
  if (row.record.length !== columns.length) {
    return {
      line,
      message: `has ${row.record.length} fields but the header has ${columns.length}; put texts with commas, semicolons or line breaks in "quotes"`,
    };
  }
  return { line, fields: Object.fromEntries(columns.map((name, index) => [name, row.record[index]])) };
}

function csvRecords(content: string, kind: RecordKind): Records {
  const parsed = csvRows(content);
  if ("problems" in parsed) return parsed;
  const [headerRow, ...rows] = parsed.rows;
  if (!headerRow) return { records: [] };
  const header = csvHeader(headerRow, kind);
  if ("problems" in header) return header;
  const results = rows.map((row) => csvRecord(header.columns, row));
  const problems = results.filter((result): result is ImportProblem => "message" in result);
  if (problems.length > 0) return { problems };
  return { records: results.filter((result): result is RawRecord => "fields" in result) };
}

// ───────────────────────────── reading a file ─────────────────────────────

const READERS: Record<string, (content: string, kind: RecordKind) => Records> = {
  yaml: yamlRecords,
  yml: yamlRecords,
  csv: csvRecords,
};

/** The records of a file; the format follows the extension (.yaml, .yml or .csv). */
export function readRecords(fileName: string, content: string, kind: RecordKind): Records {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? "";
  const read = READERS[extension];
  if (!read)
    return {
      problems: [{ line: 0, message: `cannot read "${fileName}": the file name must end in .yaml, .yml or .csv` }],
    };
  const records = read(content, kind);
  if ("records" in records && records.records.length === 0)
    return { problems: [{ line: 0, message: `the file contains no ${kind.listKey}` }] };
  return records;
}
