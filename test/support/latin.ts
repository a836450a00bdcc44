/**
 * Latin words a Russian or Ukrainian reader may meet: the office's and places' own names, brands,
 * file formats, German terms given in brackets at first mention (see locales/GLOSSARY.md), and
 * the languages named in themselves in the language switch.
 */
export const LATIN_ALLOWED = [
  "Quartiersmanagement",
  "Integrationswerkstatt",
  "Patenschaft",
  "Patinnen und Paten",
  "Ausbildung",
  "Check-in",
  "Marktring",
  "Polizeiinspektion Osnabrück",
  "PKS",
  "Telegram",
  "ID",
  "CSV",
  "Excel",
  "LibreOffice",
  "ics",
  "Deutsch",
  "English",
  "Language",
];

/**
 * The Latin words of a text that a Russian or Ukrainian reader should not see: everything outside
 * the allow-list, the `extra` names of a test (course titles, people), commands, usernames, links,
 * German levels (A1, B2) and the "n" of a sample size.
 */
export function foreignWords(text: string, extra: readonly string[] = []): string[] {
  let rest = text;
  for (const allowed of [...extra, ...LATIN_ALLOWED].sort((a, b) => b.length - a.length))
    rest = rest.split(allowed).join(" ");
  rest = rest
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\/[a-z_]+/g, " ")
    .replace(/@\w+/g, " ")
    .replace(/\b[ABC][012]\b/g, " ")
    .replace(/\(n = /g, "(");
  return rest.match(/[A-Za-zÄÖÜäöüß]+/g) ?? [];
}
