import type { Language } from "../i18n.js";

/** A reply as a locale key and its values, so it can pass through `conversation.external` as JSON. */
export interface StartReply {
  key: string;
  values?: Record<string, string | number>;
}

/**
 * A feature that acts on a deep link `t.me/<bot>?start=<prefix><argument>`, e.g. a check-in code.
 * It runs only for people who consented; someone new goes through onboarding first and the link
 * is completed right after the consent.
 */
export interface StartPayloadHandler {
  prefix: string;
  handle(personId: number, language: Language, argument: string): Promise<StartReply>;
}

/** The handler of a /start payload, or undefined for a plain /start. */
export function startHandlerFor(handlers: readonly StartPayloadHandler[], payload: string | undefined) {
  if (!payload) return undefined;
  const handler = handlers.find((candidate) => payload.startsWith(candidate.prefix));
  return handler && { handler, argument: payload.slice(handler.prefix.length) };
}
