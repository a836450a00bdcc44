import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Transformer } from "grammy";
import type { LanguageCode, UserFromGetMe } from "grammy/types";
import { LANGUAGES, OTHER_TELEGRAM_LANGUAGE, telegramCodes, translator, type Language } from "../i18n.js";
import { attendanceFeature } from "../features/attendance/composer.js";
import { broadcastsFeature } from "../features/broadcasts/composer.js";
import { coursesFeature } from "../features/courses/composer.js";
import { eventsFeature } from "../features/events/composer.js";
import { indicatorsFeature } from "../features/indicators/composer.js";
import { onboardingFeature } from "../features/onboarding/composer.js";
import { sponsorshipFeature } from "../features/sponsorship/composer.js";
import { teamFeature } from "../features/team/composer.js";
import { markBlockedByChat } from "../features/onboarding/service.js";
import { forgiveStaleMessages, markBlockedChats, retryAfterLimits } from "./api-transformers.js";
import { BulkLimiter, type BulkLimiterOptions } from "./bulk.js";
import type { BotContext, BotDeps, ConversationContext } from "./context.js";
import { prismaConversationStorage } from "./conversation-storage.js";
import { ArrivalOrder } from "./arrival-order.js";
import { cancelCommand, errorHandler, unhandled } from "./fallbacks.js";
import type { InFlightUpdates } from "./in-flight.js";
import type { BotMetrics } from "../metrics.js";
import { floodGuard, type FloodGuardOptions } from "./flood-guard.js";
import { loadPerson, privateChatsOnly } from "./middleware.js";

export interface CreateBotOptions extends BotDeps {
  /** Another Bot API server, e.g. a self-hosted one (or the fake one in tests). */
  apiRoot?: string;
  /** Known bot identity; skips the getMe call on start. */
  botInfo?: UserFromGetMe;
  /** Pace of bulk sends (broadcasts, reminders, notices to many); by default 30 a second. */
  bulk?: BulkLimiterOptions;
  /** Updates one person may send per window before the excess is dropped. */
  floodGuard?: FloodGuardOptions;
  /** Counts updates in progress, so a graceful stop can wait for them. */
  inFlight?: InFlightUpdates;
  /** Prometheus metrics (GET /metrics). */
  metrics?: BotMetrics;
}

/**
 * Updates handled at the same time in long-polling mode. Handling is mostly synchronous SQLite
 * work, so more in parallel adds no throughput, only memory and garbage collection: with the
 * runner's default of 500, a flood of 10,000 updates kept a newcomer waiting 8 s instead of 5.6 s
 * at 20 (bench/README.md, "Responsiveness"). Enough for replies that wait on Telegram meanwhile.
 */
export const UPDATES_IN_PARALLEL = 32;

const COMMANDS = [
  "start",
  "courses",
  "mycourses",
  "events",
  "sponsorship",
  "attendance",
  "help",
  "language",
  "mydata",
  "deleteme",
  "privacy",
  "cancel",
] as const;

/** Builds the whole bot from its dependencies, without globals, so tests can build their own. */
export function createBot(token: string, options: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    botInfo: options.botInfo,
    client: options.apiRoot ? { apiRoot: options.apiRoot } : undefined,
  });
  const arrivalOrder = options.arrivalOrder ?? new ArrivalOrder();
  const deps: BotDeps = { ...options, arrivalOrder };
  // Innermost first: the last transformer sees a call first. Retries go through the limiter again.
  const transformers: Transformer[] = [
    markBlockedChats((chatId) => markBlockedByChat(deps.db, chatId, deps.clock()), deps.logger),
    forgiveStaleMessages,
    new BulkLimiter(options.bulk).transformer,
    retryAfterLimits(),
  ];
  bot.api.config.use(...transformers);

  const courses = coursesFeature(deps);
  const events = eventsFeature(deps);
  const onboarding = onboardingFeature(deps, events.startPayloads);
  const team = teamFeature(deps);
  const broadcasts = broadcastsFeature(deps);
  const sponsorship = sponsorshipFeature(deps);
  const indicators = indicatorsFeature(deps);
  const attendance = attendanceFeature(deps);

  // Before anything that awaits, so tickets are taken in the order updates arrive.
  bot.use(arrivalOrder.middleware((ctx) => courses.decidesSeats(ctx) || events.decidesSeats(ctx)));
  if (options.metrics) bot.use(options.metrics.middleware);
  if (options.inFlight) bot.use(options.inFlight.middleware);
  bot.use(floodGuard(deps, options.floodGuard));
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(privateChatsOnly);
  const features = bot.errorBoundary(errorHandler(deps.logger, options.metrics?.handlerError));
  features.use(loadPerson(deps));
  features.use(
    conversations<BotContext, ConversationContext>({
      storage: { type: "key", adapter: prismaConversationStorage(deps.db) },
      // Conversations get their own Api object; it gets the same transformers (and limiter).
      plugins: [installTransformers(transformers)],
    }),
  );
  features.use(cancelCommand, onboarding.interrupts);
  features.use(
    ...onboarding.conversations,
    ...courses.conversations,
    ...events.conversations,
    ...team.conversations,
    ...broadcasts.conversations,
    ...sponsorship.conversations,
    ...attendance.conversations,
    ...indicators.conversations,
  );
  features.use(
    onboarding.composer,
    courses.composer,
    events.composer,
    team.composer,
    broadcasts.composer,
    sponsorship.composer,
    attendance.composer,
    indicators.composer,
  );
  features.use(unhandled);
  return bot;
}

function installTransformers(transformers: readonly Transformer[]) {
  return async (ctx: ConversationContext, next: () => Promise<void>) => {
    ctx.api.config.use(...transformers);
    await next();
  };
}

/**
 * Publishes the command list for every Telegram language that chooses one of ours, and as the
 * default the list of the language other clients get.
 */
export async function publishCommands(bot: Bot<BotContext>): Promise<void> {
  const commandsIn = (language: Language) => {
    const t = translator(language);
    return COMMANDS.map((command) => ({ command, description: t(`commands.${command}`) }));
  };
  await bot.api.setMyCommands(commandsIn(OTHER_TELEGRAM_LANGUAGE));
  for (const language of LANGUAGES) {
    for (const code of telegramCodes(language))
      await bot.api.setMyCommands(commandsIn(language), { language_code: code as LanguageCode });
  }
}
