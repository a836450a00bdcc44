import type { Context } from "grammy";
import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Db } from "../db.js";
import type { ArrivalOrder } from "./arrival-order.js";
import type { Language, Translate } from "../i18n.js";
import type { Logger } from "../logger.js";
import type { Clock } from "../time.js";
import type { PersonWithRoles } from "../features/onboarding/service.js";
import type { PrivacyContacts } from "../features/onboarding/privacy.js";

/** What handlers and conversations need from the outside world; tests pass their own. */
export interface BotDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  adminTelegramIds: readonly number[];
  /** Named in the privacy notice; the municipality's defaults when left out. */
  privacy?: PrivacyContacts;
  /** Months without use before the automatic erasure; DEFAULT_RETENTION_MONTHS when left out. */
  retentionMonths?: number;
  /** Puts seat decisions in the order people pressed; createBot provides one. */
  arrivalOrder?: ArrivalOrder;
}

interface PersonFlavor {
  /** The person behind the update, loaded (or created) by the person middleware. */
  person: PersonWithRoles;
  language: Language;
  t: Translate;
}

export type BotContext = ConversationFlavor<Context & PersonFlavor>;

/** Context inside conversations: a plain context; conversations read the person through `external`. */
export type ConversationContext = Context;
