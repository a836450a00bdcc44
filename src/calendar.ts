/** One appointment of an .ics file: a course session, an event. */
export interface CalendarEntry {
  /** Stable across exports, so calendar apps update instead of duplicating. */
  uid: string;
  title: string;
  description: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  /** iCalendar SEQUENCE: raised on every change, so apps replace what they imported. */
  sequence?: number;
  /** Kept in the file with STATUS:CANCELLED, so apps that imported it strike it out. */
  cancelled?: boolean;
}

/** Text values in iCalendar escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11). */
function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Lines longer than 75 octets are folded with CRLF and a space (RFC 5545 3.1). */
function fold(line: string): string {
  const parts: string[] = [];
  let current = "";
  for (const char of line) {
    if (Buffer.byteLength(current + char) > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = "";
    }
    current += char;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

function utcStamp(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** The entries as an .ics file that calendar apps import. */
export function calendarFile(entries: readonly CalendarEntry[], now: Date): string {
  const events = entries.flatMap((entry) => [
    "BEGIN:VEVENT",
    `UID:${entry.uid}@belm-integration-bot`,
    `DTSTAMP:${utcStamp(now)}`,
    `SEQUENCE:${entry.sequence ?? 0}`,
    ...(entry.cancelled ? ["STATUS:CANCELLED"] : []),
    `DTSTART:${utcStamp(entry.startsAt)}`,
    `DTEND:${utcStamp(entry.endsAt)}`,
    `SUMMARY:${escapeText(entry.title)}`,
    `DESCRIPTION:${escapeText(entry.description)}`,
    `LOCATION:${escapeText(entry.place)}`,
    "END:VEVENT",
  ]);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Quartiersmanagement Belm//Integration Bot//DE",
    "CALSCALE:GREGORIAN",
    ...events,
    "END:VCALENDAR",
  ];
  return lines.map(fold).join("\r\n") + "\r\n";
}
