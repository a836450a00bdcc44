import type { BotCommand, Chat, Message, Update, User, UserFromGetMe } from "grammy/types";
import { testBotInfo } from "./bot-info.js";
import {
  type ApiParams,
  type BotMessage,
  type BotReply,
  ChatState,
  type FailNextOptions,
  type HeldPoll,
  type InjectedFailure,
  type PendingFailure,
  type RateLimit,
  type RecordedCall,
  type StoredFile,
  type StoredMessage,
  type UploadedFile,
} from "./fake-telegram-types.js";
import {
  ApiError,
  asArray,
  badRequest,
  botBlocked,
  commandsKey,
  countsTowardsRateLimit,
  injectedError,
  isRecord,
  optionalInt,
  reachesTheUser,
  requiredInt,
  requiredString,
  tooManyRequests,
} from "./fake-telegram-wire.js";
import { documentOf, photoSizeOf } from "./fake-telegram-format.js";

/**
 * The state of the fake Telegram server and what tests do with it: the calls it recorded, the chats
 * and messages it keeps, the updates it queues (long polling, webhooks) and the failures it injects.
 * FakeTelegram adds the HTTP side and the Bot API methods that send and edit messages.
 */
export abstract class FakeTelegramState {
  readonly calls: RecordedCall[] = [];
  readonly botInfo: UserFromGetMe;
  /** Highest update id the bot has confirmed by asking for a later `offset`. */
  confirmedUpdateId = 0;
  /** How many calls the global rate limit answered with 429. */
  rateLimitHits = 0;
  protected stopped = false;

  protected constructor(botUsername: string) {
    this.botInfo = testBotInfo(botUsername);
  }

  protected readonly queue: Update[] = [];
  protected lastUpdateId = 0;
  protected heldPoll?: HeldPoll;
  protected batching = false;
  protected readonly chats = new Map<number, ChatState>();
  protected readonly files = new Map<string, StoredFile>();
  protected fileCounter = 0;
  protected readonly openCallbackQueries = new Set<string>();
  protected readonly pendingFailures: PendingFailure[] = [];
  protected readonly blockedChats = new Set<number>();
  protected rateLimit: RateLimit | null = null;
  protected recentSends: number[] = [];
  protected webhookUrl = "";
  protected readonly commands = new Map<string, BotCommand[]>();
  protected readonly menuButtons = new Map<string, unknown>();
  protected readonly changeListeners = new Set<() => void>();
  protected readonly inFlight = new Set<Promise<void>>();
  protected readonly stalledMethods = new Map<string, Promise<void>>();
  protected readonly stallReleases = new Set<() => void>();

  // --- Recorded calls and chat state -----------------------------------------------------------

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  callsFor(chatId: number): RecordedCall[] {
    return this.calls.filter((call) => call.chatId === chatId);
  }

  messagesIn(chatId: number): BotMessage[] {
    const state = this.chats.get(chatId);
    return state ? [...state.botMessages.values()].map((stored) => stored.view) : [];
  }

  /** Every new message and every edit the bot made in this chat, in order. */
  repliesTo(chatId: number): readonly BotReply[] {
    return this.chats.get(chatId)?.replies ?? [];
  }

  /** The message as Telegram would include it in an update (e.g. in a callback query). */
  telegramMessage(chatId: number, messageId: number): Message {
    const state = this.chats.get(chatId);
    const stored = state?.botMessages.get(messageId);
    if (!state || !stored) throw new Error(`The bot has no message ${messageId} in chat ${chatId}`);
    return this.toTelegramMessage(state, stored);
  }

  /** Makes a chat known, as if its user had opened it; the bot may only write to known chats. */
  rememberChat(chat: Chat): void {
    const state = this.chats.get(chat.id);
    if (state) state.chat = chat;
    else this.chats.set(chat.id, new ChatState(chat));
  }

  /** Message ids are one sequence per chat, shared by the user's and the bot's messages. */
  allocateMessageId(chatId: number): number {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`Unknown chat ${chatId}; call rememberChat first`);
    return state.nextMessageId++;
  }

  /** Registers a file (e.g. one a user sends) so the bot can send it on by file_id. */
  storeFile(file: UploadedFile, kind = "file"): StoredFile {
    this.fileCounter += 1;
    const stored = {
      ...file,
      fileId: `${kind}-${this.fileCounter}-BQACAgIAAxkB`,
      fileUniqueId: `AgAD${kind}${this.fileCounter}`,
    };
    this.files.set(stored.fileId, stored);
    return stored;
  }

  /** Calls the listener after every answered request and every pushed update. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  // --- Updates ----------------------------------------------------------------------------------

  pushUpdate(update: Omit<Update, "update_id">): number {
    this.lastUpdateId += 1;
    const full: Update = { ...update, update_id: this.lastUpdateId };
    this.learnFrom(full);
    this.queue.push(full);
    if (this.heldPoll && !this.batching) this.heldPoll.settle(this.queue.slice(0, this.heldPoll.limit));
    this.notifyChange();
    return full.update_id;
  }

  /**
   * Pushes every update `push` makes as one batch: a waiting getUpdates gets them all at once,
   * as Telegram delivers presses that arrive within the same moment.
   */
  batch<T>(push: () => T): T {
    this.batching = true;
    try {
      return push();
    } finally {
      this.batching = false;
      if (this.heldPoll && this.queue.length > 0) this.heldPoll.settle(this.queue.slice(0, this.heldPoll.limit));
    }
  }

  /** Updates not yet confirmed by the bot (delivered or not). */
  pendingUpdates(): number {
    return this.queue.length;
  }

  // --- Failure injection ------------------------------------------------------------------------

  failNext(method: string, failure: InjectedFailure, options: FailNextOptions = {}): void {
    this.pendingFailures.push({ method, failure, chatId: options.chatId, remaining: options.times ?? 1 });
  }

  blockBot(chatId: number): void {
    this.blockedChats.add(chatId);
  }

  unblockBot(chatId: number): void {
    this.blockedChats.delete(chatId);
  }

  /** Limits message sends over all chats within a sliding one-second window; null lifts it. */
  /** Calls of `method` get no answer until the returned function (or stop()) releases them: a slow Telegram. */
  stallCalls(method: string): () => void {
    let release = () => undefined as void;
    this.stalledMethods.set(method, new Promise<void>((resolve) => (release = resolve)));
    const releaseOnce = () => {
      this.stalledMethods.delete(method);
      this.stallReleases.delete(releaseOnce);
      release();
    };
    this.stallReleases.add(releaseOnce);
    return releaseOnce;
  }

  setRateLimit(limit: RateLimit | null): void {
    this.rateLimit = limit;
    this.recentSends = [];
  }

  protected record(method: string, params: ApiParams): RecordedCall {
    const chatId = typeof params.chat_id === "number" ? params.chat_id : undefined;
    const call: RecordedCall = { method, params, at: Date.now() };
    if (chatId !== undefined) call.chatId = chatId;
    this.calls.push(call);
    return call;
  }

  protected notifyChange(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  protected applyInjectedFailures(call: RecordedCall): void {
    const pending = this.pendingFailures.find(
      (candidate) =>
        candidate.method === call.method && (candidate.chatId === undefined || candidate.chatId === call.chatId),
    );
    if (pending) {
      pending.remaining -= 1;
      if (pending.remaining <= 0) this.pendingFailures.splice(this.pendingFailures.indexOf(pending), 1);
      throw injectedError(pending.failure);
    }
    if (call.chatId !== undefined && this.blockedChats.has(call.chatId) && reachesTheUser(call.method)) {
      throw botBlocked();
    }
    if (countsTowardsRateLimit(call.method)) this.applyRateLimit();
  }

  protected applyRateLimit(): void {
    const now = Date.now();
    this.recentSends = this.recentSends.filter((at) => now - at < 1000);
    if (this.rateLimit && this.recentSends.length >= this.rateLimit.perSecond) {
      this.rateLimitHits += 1;
      throw tooManyRequests(this.rateLimit.retryAfter);
    }
    this.recentSends.push(now);
  }

  // --- Long polling and webhooks ---------------------------------------------------------------

  protected getUpdates(params: ApiParams, clientGone: AbortSignal): Update[] | Promise<Update[]> {
    if (this.webhookUrl) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    this.confirmBefore(optionalInt(params, "offset"));
    const limit = Math.min(Math.max(optionalInt(params, "limit") ?? 100, 1), 100);
    const timeoutSeconds = optionalInt(params, "timeout") ?? 0;
    // Like Telegram, a newer getUpdates ends the one still waiting.
    this.heldPoll?.settle(
      new ApiError(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      ),
    );
    if (this.queue.length > 0 || timeoutSeconds <= 0 || this.stopped) return this.queue.slice(0, limit);
    return this.holdPoll(limit, timeoutSeconds, clientGone);
  }

  /** Drops updates with an id below `offset` (a negative offset keeps only that many last ones). */
  protected confirmBefore(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    const firstKept =
      offset > 0
        ? this.queue.findIndex((update) => update.update_id >= offset)
        : Math.max(0, this.queue.length + offset);
    const dropped = this.queue.splice(0, firstKept === -1 ? this.queue.length : firstKept);
    const lastDropped = dropped.at(-1);
    if (lastDropped) this.confirmedUpdateId = Math.max(this.confirmedUpdateId, lastDropped.update_id);
  }

  protected holdPoll(limit: number, timeoutSeconds: number, clientGone: AbortSignal): Promise<Update[]> {
    return new Promise((resolve, reject) => {
      const poll: HeldPoll = {
        limit,
        settle: (result) => {
          clearTimeout(timer);
          if (this.heldPoll === poll) this.heldPoll = undefined;
          if (result instanceof ApiError) reject(result);
          else resolve(result);
        },
      };
      const timer = setTimeout(() => poll.settle([]), timeoutSeconds * 1000);
      clientGone.addEventListener("abort", () => poll.settle([]));
      this.heldPoll = poll;
    });
  }

  protected setWebhook(params: ApiParams): true {
    this.webhookUrl = requiredString(params, "url");
    if (params.drop_pending_updates === true) this.queue.length = 0;
    return true;
  }

  protected deleteWebhook(params: ApiParams): true {
    this.webhookUrl = "";
    if (params.drop_pending_updates === true) this.queue.length = 0;
    return true;
  }

  protected webhookInfo() {
    return { url: this.webhookUrl, has_custom_certificate: false, pending_update_count: this.queue.length };
  }

  protected setMyCommands(params: ApiParams): true {
    const commands = asArray(params.commands);
    if (!commands?.every((command) => isRecord(command) && typeof command.command === "string")) {
      throw badRequest("can't parse commands JSON object");
    }
    this.commands.set(commandsKey(params), commands as BotCommand[]);
    return true;
  }

  protected deleteMyCommands(params: ApiParams): true {
    this.commands.delete(commandsKey(params));
    return true;
  }

  protected setChatMenuButton(params: ApiParams): true {
    this.menuButtons.set(String(params.chat_id), params.menu_button);
    return true;
  }

  // --- Helpers that need the fake's state ---------------------------------------------------------

  protected chatFor(params: ApiParams): ChatState {
    const state = this.chats.get(requiredInt(params, "chat_id"));
    if (!state) throw badRequest("chat not found");
    return state;
  }

  protected learnFrom(update: Update): void {
    if (update.message) {
      this.rememberChat(update.message.chat);
      const state = this.chats.get(update.message.chat.id);
      if (state) {
        state.userMessages.set(update.message.message_id, update.message);
        state.nextMessageId = Math.max(state.nextMessageId, update.message.message_id + 1);
      }
    }
    if (update.callback_query) this.openCallbackQueries.add(update.callback_query.id);
  }

  protected toTelegramMessage(state: ChatState, stored: StoredMessage): Message {
    const { view } = stored;
    const message: Message = { message_id: view.messageId, date: stored.date, chat: state.chat, from: this.botUser() };
    if (stored.editDate !== undefined) message.edit_date = stored.editDate;
    if (view.text !== undefined) message.text = view.text;
    if (stored.entities?.length) message.entities = stored.entities;
    if (view.caption !== undefined) message.caption = view.caption;
    if (stored.captionEntities?.length) message.caption_entities = stored.captionEntities;
    if (view.document) message.document = documentOf(view.document);
    const photo = view.photo && this.files.get(view.photo.fileId);
    if (photo) message.photo = [photoSizeOf(photo)];
    if (stored.inlineKeyboard) message.reply_markup = { inline_keyboard: stored.inlineKeyboard };
    return message;
  }

  protected botUser(): User {
    const { id, is_bot, first_name, username } = this.botInfo;
    return { id, is_bot, first_name, username };
  }
}
