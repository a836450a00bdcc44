import { languageOf, type Language } from "../i18n.js";

/** Someone to tell about a change, in their language; null chat ids (erased, demo) are skipped by senders. */
export interface Recipient {
  personId: number;
  chatId: bigint | null;
  language: Language;
}

export function recipientOf(person: { id: number; chatId: bigint | null; language: string }): Recipient {
  return { personId: person.id, chatId: person.chatId, language: languageOf(person.language) };
}
