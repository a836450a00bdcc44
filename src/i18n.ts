import i18next, { type TFunction } from "i18next";
import de from "../locales/de.json" with { type: "json" };
import ru from "../locales/ru.json" with { type: "json" };
import { cachedFormatter, dateTimeFormat } from "./time.js";

export const LANGUAGES = ["de", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = "de";

export type Translate = TFunction;

export const localeResources = { de, ru } as const;

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: { de: { translation: de }, ru: { translation: ru } },
  lng: FALLBACK_LANGUAGE,
  fallbackLng: FALLBACK_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  // Messages are sent as plain text, so nothing needs HTML escaping.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Russian for Telegram clients set to Russian, German (the fallback) for everyone else. */
export function languageFromTelegram(languageCode: string | undefined): Language {
  return languageCode?.toLowerCase().startsWith("ru") ? "ru" : "de";
}

/** A translate function bound to one language. */
export function translator(language: Language): Translate {
  return i18n.getFixedT(language);
}

const localeTags: Record<Language, string> = { de: "de-DE", ru: "ru-RU" };

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cachedFormatter(numberFormats, locale, options, (tag, settings) => new Intl.NumberFormat(tag, settings));
}

/** Date and time as a person of `language` expects it, in the office's time zone. */
export function formatDateTime(instant: Date, language: Language, timeZone: string): string {
  return dateTimeFormat(localeTags[language], {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
  }).format(instant);
}

const fieldSuffix: Record<Language, "De" | "Ru"> = { de: "De", ru: "Ru" };

/** Picks the person's language from a row with both texts, e.g. titleDe / titleRu. */
export function localized<F extends string>(row: Record<`${F}De` | `${F}Ru`, string>, field: F, language: Language): string {
  return row[`${field}${fieldSuffix[language]}`];
}

/** The clock time alone ("18:30"), e.g. for the end of an event on the same day. */
export function formatTime(instant: Date, language: Language, timeZone: string): string {
  return dateTimeFormat(localeTags[language], { timeZone, hour: "2-digit", minute: "2-digit" }).format(instant);
}

/** A number as written in `language` ("1.234,5" in German, "1 234,5" in Russian). */
export function formatNumber(value: number, language: Language, maximumFractionDigits = 1): string {
  return numberFormat(localeTags[language], { maximumFractionDigits }).format(value);
}

/** A share 0..1 as a percentage with one decimal ("67,1 %"). */
export function formatPercent(share: number, language: Language): string {
  return numberFormat(localeTags[language], { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share);
}

/** The month of `instant`, long ("Oktober 2026") or short ("Okt. 26"), in the office's time zone. */
export function formatMonth(instant: Date, language: Language, timeZone: string, style: "long" | "short"): string {
  if (style === "long") return dateTimeFormat(localeTags[language], { timeZone, month: "long", year: "numeric" }).format(instant);
  const month = dateTimeFormat(localeTags[language], { timeZone, month: "short" }).format(instant);
  const year = dateTimeFormat(localeTags[language], { timeZone, year: "2-digit" }).format(instant);
  return `${month} ${year}`;
}

/** Day and time without the weekday ("25.11.2026, 02:00"), e.g. when figures were computed. */
export function formatStamp(instant: Date, language: Language, timeZone: string): string {
  return dateTimeFormat(localeTags[language], { timeZone, dateStyle: "medium", timeStyle: "short" }).format(instant);
}

/** The day alone with its year ("29. März 2027"), e.g. when a course ended. */
export function formatDate(instant: Date, language: Language, timeZone: string): string {
  return dateTimeFormat(localeTags[language], { timeZone, day: "numeric", month: "long", year: "numeric" }).format(instant);
}
