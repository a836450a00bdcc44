import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES, localeResources, type Language } from "../src/i18n.js";
import { foreignWords } from "./support/latin.js";

type Tree = { [key: string]: string | Tree };

/** i18next plural forms differ per language (de: one/other, ru: one/few/many/other). */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === "string") keys.set(key, value);
    else for (const [inner, text] of flatten(value, key)) keys.set(inner, text);
  }
  return keys;
}

function baseKeys(language: (typeof LANGUAGES)[number]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [key, text] of flatten(localeResources[language])) {
    const base = key.replace(PLURAL_SUFFIX, "");
    grouped.set(base, [...(grouped.get(base) ?? []), text]);
  }
  return grouped;
}

function variables(texts: string[]): string[] {
  const names = texts.flatMap((text) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1] ?? ""));
  return [...new Set(names)].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated") return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const source = sourceFiles("src")
  .map((path) => readFileSync(path, "utf8"))
  .join("\n");
/** Keys written out in code, e.g. t("menu.title") or labelKey: "menu.help". */
const literalKeys = new Set(
  [...source.matchAll(/["'`]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["'`]/g)].map((match) => match[1] ?? ""),
);
/**
 * Prefixes of keys built in code, e.g. t(`commands.${command}`) or a constant "sponsorship.area."
 * joined with a code. Keep such prefixes narrow: a bare namespace marks all of its keys used.
 */
const dynamicPrefixes = [
  ...source.matchAll(/`([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\.)\$\{/g),
  ...source.matchAll(/["'`]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\.)["'`]/g),
].map((match) => match[1] ?? "");

describe("locales", () => {
  const german = baseKeys("de");

  it.each(LANGUAGES.filter((language) => language !== "de"))("%s has exactly the keys of German", (language) => {
    const other = baseKeys(language);
    expect([...other.keys()].sort()).toEqual([...german.keys()].sort());
  });

  it.each(LANGUAGES)("%s uses the same interpolation variables as German", (language) => {
    const other = baseKeys(language);
    for (const [key, texts] of german) {
      expect({ key, variables: variables(other.get(key) ?? []) }).toEqual({ key, variables: variables(texts) });
    }
  });

  it.each(LANGUAGES)("%s has no empty texts", (language) => {
    const empty = [...flatten(localeResources[language] as Tree)]
      .filter(([, text]) => text.trim() === "")
      .map(([key]) => key);
    expect(empty).toEqual([]);
  });

  /** The plural forms each language needs, by Intl's rules (the ones i18next uses); `_zero` may come in addition. */
  it.each(LANGUAGES)(
    "%s has every plural form its language needs, each with {{count}} where the number varies",
    (language) => {
      const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const keys = [...flatten(localeResources[language])];
      const pluralBases = new Set(
        keys
          .map(([key]) => key)
          .filter((key) => PLURAL_SUFFIX.test(key))
          .map((key) => key.replace(PLURAL_SUFFIX, "")),
      );
      const missing = [...pluralBases].flatMap((base) =>
        needed.filter((form) => !keys.some(([key]) => key === `${base}_${form}`)).map((form) => `${base}_${form}`),
      );
      expect(missing).toEqual([]);
      // Russian and Ukrainian "one" also covers 21, 31, …: the number must be in the text.
      const manyNumbers = (form: string) => form !== "one" || language === "ru" || language === "uk";
      const withoutCount = keys
        .filter(
          ([key, text]) =>
            /_(one|few|many|other)$/.test(key) &&
            manyNumbers(key.split("_").pop() ?? "") &&
            !text.includes("{{count}}"),
        )
        .map(([key]) => key);
      expect(withoutCount).toEqual([]);
    },
  );

  it.each(["ru", "uk"] as Language[])("%s shows no German or English words outside the allow-list", (language) => {
    const foreign = [...flatten(localeResources[language] as Tree)]
      .filter(([key]) => !key.endsWith("file_prefix"))
      .flatMap(([key, text]) => foreignWords(text.replace(/\{\{[^}]*\}\}/g, " ")).map((word) => `${key}: ${word}`));
    expect(foreign).toEqual([]);
  });

  it("has no key that the code never uses", () => {
    const unused = [...german.keys()].filter(
      (key) => !literalKeys.has(key) && !dynamicPrefixes.some((prefix) => key.startsWith(prefix)),
    );
    expect(unused).toEqual([]);
  });

  it("has every key that the code asks for", () => {
    const namespaces = new Set([...german.keys()].map((key) => key.split(".")[0]));
    const asked = [...literalKeys].filter((key) => namespaces.has(key.split(".")[0]));
    const missing = asked.filter((key) => !german.has(key));
    expect(missing).toEqual([]);
  });
});
