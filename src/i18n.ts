import i18next, { type TFunction } from "i18next";
import de from "../locales/de.json" with { type: "json" };
import ru from "../locales/ru.json" with { type: "json" };
import uk from "../locales/uk.json" with { type: "json" };
import en from "../locales/en.json" with { type: "json" };
import { cachedFormatter, dateTimeFormat } from "./time.js";

/**
 * The languages the bot speaks, in the order the language picker shows them. Adding a language is
 * a locale file plus one entry here: `tag` formats dates and numbers, `telegram` lists the
 * Telegram `language_code`s that choose it, `content` says which of the two texts the office
 * writes (titleDe/titleRu) the reader gets.
 */
const LOCALES = {
  de: { resources: de, tag: "de-DE", telegram: ["de"], content: "De" },
  ru: { resources: ru, tag: "ru-RU", telegram: ["ru", "kk", "be", "ky"], content: "Ru" },
  uk: { resources: uk, tag: "uk-UA", telegram: ["uk"], content: "De" },
  en: { resources: en, tag: "en-GB", telegram: ["en"], content: "De" },
} as const satisfies Record<
  string,
  { resources: object; tag: string; telegram: readonly string[]; content: "De" | "Ru" }
>;

export type Language = keyof typeof LOCALES;
export const LANGUAGES = Object.keys(LOCALES) as Language[];
/** Texts missing in a language, and unknown language codes, fall back to German. */
export const FALLBACK_LANGUAGE: Language = "de";
/** Telegram clients in a language the bot does not speak get this one. */
export const OTHER_TELEGRAM_LANGUAGE: Language = "en";

export type Translate = TFunction;

export const localeResources = Object.fromEntries(
  LANGUAGES.map((language) => [language, LOCALES[language].resources]),
) as {
  [L in Language]: (typeof LOCALES)[L]["resources"];
};

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGES.map((language) => [language, { translation: LOCALES[language].resources }])),
  lng: FALLBACK_LANGUAGE,
  fallbackLng: FALLBACK_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  // Messages are sent as plain text, so nothing needs HTML escaping.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function isLanguage(code: string): code is Language {
  return Object.hasOwn(LOCALES, code);
}

/** A stored language code as a language the bot speaks; anything else reads as the fallback. */
export function languageOf(code: string): Language {
  return isLanguage(code) ? code : FALLBACK_LANGUAGE;
}

/** The Telegram `language_code`s that choose `language`. */
export function telegramCodes(language: Language): readonly string[] {
  return LOCALES[language].telegram;
}

/** The language for a Telegram client's `language_code` ("ru", "uk", "de-AT", …). */
export function languageFromTelegram(languageCode: string | undefined): Language {
  const primary = languageCode?.toLowerCase().split("-")[0] ?? "";
  return LANGUAGES.find((language) => telegramCodes(language).includes(primary)) ?? OTHER_TELEGRAM_LANGUAGE;
}

/** A translate function bound to one language. */
export function translator(language: string): Translate {
  return i18n.getFixedT(languageOf(language));
}

function tag(language: string): string {
  return LOCALES[languageOf(language)].tag;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cachedFormatter(numberFormats, locale, options, (tag, settings) => new Intl.NumberFormat(tag, settings));
}

/** Date and time as a person of `language` expects it, in the office's time zone. */
export function formatDateTime(instant: Date, language: string, timeZone: string): string {
  return dateTimeFormat(tag(language), {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
  }).format(instant);
}

/**
 * Picks the reader's text from a row the office writes in German and Russian, e.g. titleDe /
 * titleRu. Languages other than Russian read the German text (a Ukrainian reader is not given
 * Russian).
 */
export function localized<F extends string>(
  row: Record<`${F}De` | `${F}Ru`, string>,
  field: F,
  language: string,
): string {
  return row[`${field}${LOCALES[languageOf(language)].content}`];
}

/** The clock time alone ("18:30"), e.g. for the end of an event on the same day. */
export function formatTime(instant: Date, language: string, timeZone: string): string {
  return dateTimeFormat(tag(language), { timeZone, hour: "2-digit", minute: "2-digit" }).format(instant);
}

/** A number as written in `language` ("1.234,5" in German, "1 234,5" in Russian). */
export function formatNumber(value: number, language: string, maximumFractionDigits = 1): string {
  return numberFormat(tag(language), { maximumFractionDigits }).format(value);
}

/** A share 0..1 as a percentage with one decimal ("67,1 %"). */
export function formatPercent(share: number, language: string): string {
  return numberFormat(tag(language), { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    share,
  );
}

/** The month of `instant`, long ("Oktober 2026") or short ("Okt. 26"), in the office's time zone. */
export function formatMonth(instant: Date, language: string, timeZone: string, style: "long" | "short"): string {
  if (style === "long")
    return dateTimeFormat(tag(language), { timeZone, month: "long", year: "numeric" }).format(instant);
  const month = dateTimeFormat(tag(language), { timeZone, month: "short" }).format(instant);
  const year = dateTimeFormat(tag(language), { timeZone, year: "2-digit" }).format(instant);
  return `${month} ${year}`;
}

/** Day and time without the weekday ("25.11.2026, 02:00"), e.g. when figures were computed. */
export function formatStamp(instant: Date, language: string, timeZone: string): string {
  return dateTimeFormat(tag(language), { timeZone, dateStyle: "medium", timeStyle: "short" }).format(instant);
}

/** The day alone with its year ("29. März 2027"), e.g. when a course ended. */
export function formatDate(instant: Date, language: string, timeZone: string): string {
  return dateTimeFormat(tag(language), { timeZone, day: "numeric", month: "long", year: "numeric" }).format(instant);
}

/** A weekday (1 = Monday … 7 = Sunday) short, as in a weekly schedule ("Mo.", "пн"). */
export function formatWeekday(weekday: number, language: string): string {
  // 1 January 2024 was a Monday.
  return dateTimeFormat(tag(language), { timeZone: "UTC", weekday: "short" }).format(
    new Date(Date.UTC(2024, 0, weekday, 12)),
  );
}
