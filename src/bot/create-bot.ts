import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Bot, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { LANGUAGES, translator } from "../i18n.js";
import { attendanceFeature } from "../features/attendance/composer.js";
import { broadcastsFeature } from "../features/broadcasts/composer.js";
import { coursesFeature } from "../features/courses/composer.js";
import { eventsFeature } from "../features/events/composer.js";
import { indicatorsFeature } from "../features/indicators/composer.js";
import { onboardingFeature } from "../features/onboarding/composer.js";
import { sponsorshipFeature } from "../features/sponsorship/composer.js";
import { teamFeature } from "../features/team/composer.js";
import { markBlockedByChat } from "../features/onboarding/service.js";
import { markBlockedChats } from "./api-transformers.js";
import type { BotContext, BotDeps, ConversationContext } from "./context.js";
import { prismaConversationStorage } from "./conversation-storage.js";
import { ArrivalOrder } from "./arrival-order.js";
import { cancelCommand, errorHandler, unhandled } from "./fallbacks.js";
import type { InFlightUpdates } from "./in-flight.js";
import { loadPerson, privateChatsOnly } from "./middleware.js";

export type ThrottlerOptions = Parameters<typeof apiThrottler>[0];

export interface CreateBotOptions extends BotDeps {
  /** Another Bot API server, e.g. a self-hosted one (or the fake one in tests). */
  apiRoot?: string;
  /** Known bot identity; skips the getMe call on start. */
  botInfo?: UserFromGetMe;
  /** Throttler settings; by default Telegram's 30 messages per second, evenly paced (pacedThrottler). */
  throttler?: ThrottlerOptions;
  /** Counts updates in progress, so a graceful stop can wait for them. */
  inFlight?: InFlightUpdates;
}

/**
 * The global limit spaced evenly at just under `perSecond` messages overall. The plugin's default
 * lets 30 go out at once each second; a limit measured over a sliding second (as Telegram's and
 * the test server's are) then answers some of every burst with 429.
 */
export function pacedThrottler(perSecond = 30): ThrottlerOptions {
  return { global: { minTime: 1000 / (perSecond * 0.97) } };
}

const COMMANDS = ["start", "courses", "mycourses", "events", "sponsorship", "attendance", "help", "language", "mydata", "deleteme", "cancel"] as const;

/** Builds the whole bot from its dependencies, without globals, so tests can build their own. */
export function createBot(token: string, options: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    botInfo: options.botInfo,
    client: options.apiRoot ? { apiRoot: options.apiRoot } : undefined,
  });
  const arrivalOrder = options.arrivalOrder ?? new ArrivalOrder();
  const deps: BotDeps = { ...options, arrivalOrder };
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 });
  const markBlocked = markBlockedChats((chatId) => markBlockedByChat(deps.db, chatId, deps.clock()), deps.logger);
  bot.api.config.use(markBlocked, apiThrottler(options.throttler ?? pacedThrottler()), retry);

  const courses = coursesFeature(deps);
  const events = eventsFeature(deps);
  const onboarding = onboardingFeature(deps, events.startPayloads);
  const team = teamFeature(deps);
  const broadcasts = broadcastsFeature(deps);
  const sponsorship = sponsorshipFeature(deps);
  const indicators = indicatorsFeature(deps);
  const attendance = attendanceFeature(deps);

  if (options.inFlight) bot.use(options.inFlight.middleware);
  // Before anything that awaits, so tickets are taken in the order updates arrive.
  bot.use(arrivalOrder.middleware((ctx) => courses.decidesSeats(ctx) || events.decidesSeats(ctx)));
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(privateChatsOnly);
  const features = bot.errorBoundary(errorHandler(deps.logger));
  features.use(loadPerson(deps));
  features.use(
    conversations<BotContext, ConversationContext>({
      storage: { type: "key", adapter: prismaConversationStorage(deps.db) },
      // Conversations get their own Api object; replays must not be throttled, so only retries
      // and the blocked-chat marker are installed there.
      plugins: [installTransformers(markBlocked, retry)],
    }),
  );
  features.use(cancelCommand, onboarding.interrupts);
  features.use(...onboarding.conversations, ...courses.conversations, ...events.conversations, ...team.conversations, ...broadcasts.conversations, ...sponsorship.conversations, ...attendance.conversations, ...indicators.conversations);
  features.use(onboarding.composer, courses.composer, events.composer, team.composer, broadcasts.composer, sponsorship.composer, attendance.composer, indicators.composer);
  features.use(unhandled);
  return bot;
}

function installTransformers(...transformers: Transformer[]) {
  return async (ctx: ConversationContext, next: () => Promise<void>) => {
    ctx.api.config.use(...transformers);
    await next();
  };
}

/** Publishes the command list in German (the default) and Russian. */
export async function publishCommands(bot: Bot<BotContext>): Promise<void> {
  for (const language of LANGUAGES) {
    const t = translator(language);
    const commands = COMMANDS.map((command) => ({ command, description: t(`commands.${command}`) }));
    await bot.api.setMyCommands(commands, language === "de" ? {} : { language_code: language });
  }
}
