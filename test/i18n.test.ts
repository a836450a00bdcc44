import { describe, expect, it } from "vitest";
import {
  formatDate,
  isLanguage,
  languageFromTelegram,
  languageOf,
  LANGUAGES,
  localized,
  translator,
} from "../src/i18n.js";

describe("languages", () => {
  it.each([
    ["ru", "ru"],
    ["kk", "ru"],
    ["be", "ru"],
    ["ky", "ru"],
    ["uk", "uk"],
    ["de", "de"],
    ["de-AT", "de"],
    ["en", "en"],
    ["en-GB", "en"],
    ["fr", "en"],
    ["tr", "en"],
    [undefined, "en"],
  ])("Telegram language_code %s is answered in %s", (code, language) => {
    expect(languageFromTelegram(code)).toBe(language);
  });

  it("reads a stored code it does not know as German and knows its own", () => {
    expect(languageOf("xx")).toBe("de");
    expect(languageOf("uk")).toBe("uk");
    expect(isLanguage("en")).toBe(true);
    expect(isLanguage("constructor")).toBe(false);
  });

  it("names every language in itself", () => {
    expect(LANGUAGES.map((language) => translator(language)("language.name"))).toEqual([
      "Deutsch",
      "Русский",
      "Українська",
      "English",
    ]);
  });

  it("formats dates per locale", () => {
    const day = new Date("2027-03-29T10:00:00Z");
    expect(LANGUAGES.map((language) => formatDate(day, language, "Europe/Berlin"))).toEqual([
      "29. März 2027",
      "29 марта 2027 г.",
      "29 березня 2027 р.",
      "29 March 2027",
    ]);
  });

  it("gives Ukrainian and English readers the German text of rows written in German and Russian", () => {
    const row = { titleDe: "Deutschkurs", titleRu: "Курс немецкого" };
    expect(LANGUAGES.map((language) => localized(row, "title", language))).toEqual([
      "Deutschkurs",
      "Курс немецкого",
      "Deutschkurs",
      "Deutschkurs",
    ]);
  });
});
