import type { Translate } from "../../i18n.js";
import { DISTRICTS } from "./service.js";

export type ListKind = "language" | "area" | "district" | "time";

const LABEL_KEY_PREFIX: Record<ListKind, string> = {
  language: "sponsorship.language.",
  area: "sponsorship.area.",
  district: "sponsorship.district.",
  time: "sponsorship.time.",
};

/** One code (a language, area, district or time of week) in the reader's language. */
export function label(t: Translate, kind: ListKind, code: string): string {
  return t(LABEL_KEY_PREFIX[kind] + code);
}

/** A list of codes in the reader's language. */
export function labels(t: Translate, kind: ListKind, codes: readonly string[]): string {
  return codes.map((code) => label(t, kind, code)).join(", ");
}

/** A district as stored in Person.district: its name when it is one of ours, else as it was written. */
export function districtLabel(t: Translate, district: string): string {
  return (DISTRICTS as readonly string[]).includes(district) ? label(t, "district", district) : district;
}
