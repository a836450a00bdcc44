import type { Translate } from "../../i18n.js";

export type ListKind = "language" | "area" | "district" | "time";

/** A list of codes (languages, areas, districts, times) in the reader's language. */
export function labels(t: Translate, kind: ListKind, codes: readonly string[]): string {
  return codes.map((code) => t(`sponsorship.${kind}.${code}`)).join(", ");
}
