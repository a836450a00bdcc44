import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { finished } from "node:stream/promises";
import type {
  BotCommand,
  Chat,
  InlineKeyboardButton,
  Message,
  MessageEntity,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import { TelegramUser, type UserProfile } from "./user.js";

/**
 * A local stand-in for the Telegram Bot API, spoken to over real HTTP. The bot under test points
 * its `apiRoot` here; tests push updates (usually through a {@link TelegramUser}) and read back
 * what the bot sent. Responses and error shapes follow the real Bot API, so grammY, its plugins
 * and our error handling behave as they would in production.
 */

export const DEFAULT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuv";

export type ApiParams = Record<string, unknown>;

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

/** A file the fake knows by id: uploaded by the bot or sent by a test user. */
export interface StoredFile extends UploadedFile {
  fileId: string;
  fileUniqueId: string;
}

export interface RecordedCall {
  method: string;
  params: ApiParams;
  /** `params.chat_id` when it is numeric. */
  chatId?: number;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  /** Set when the call was answered with an error. */
  error?: { code: number; description: string };
}

export interface InlineButton {
  text: string;
  data?: string;
  url?: string;
}

/** A message the bot sent, as the user currently sees it. */
export interface BotMessage {
  messageId: number;
  chatId: number;
  text?: string;
  caption?: string;
  buttons: InlineButton[][];
  replyKeyboard?: string[][];
  document?: StoredFile;
  photo?: { bytes?: Buffer; fileId: string };
  deleted: boolean;
  edits: number;
}

/** One thing the user saw happen: a new message, or an edit (a snapshot taken at that moment). */
export interface BotReply extends BotMessage {
  edited: boolean;
}

export type InjectedFailure = { kind: "429"; retryAfter: number } | { kind: "403" } | { kind: "500" } | { kind: "400"; description: string };

export interface FailNextOptions {
  /** Only calls for this chat fail. */
  chatId?: number;
  /** How many matching calls fail; 1 unless given. */
  times?: number;
}

export interface RateLimit {
  perSecond: number;
  retryAfter: number;
}

export interface FakeTelegramOptions {
  token?: string;
  botUsername?: string;
}

type MethodHandler = (params: ApiParams, clientGone: AbortSignal) => unknown;

type ApiResponse =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);
const tooManyRequests = (retryAfter: number) =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
const botBlocked = () => new ApiError(403, "Forbidden: bot was blocked by the user");

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same " +
  "as a current content and reply markup of the message";
const QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid";
const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const MAX_CALLBACK_DATA_BYTES = 64;

interface StoredMessage {
  view: BotMessage;
  date: number;
  editDate?: number;
  entities?: MessageEntity[];
  captionEntities?: MessageEntity[];
  inlineKeyboard?: InlineKeyboardButton[][];
}

class ChatState {
  nextMessageId = 1;
  readonly botMessages = new Map<number, StoredMessage>();
  readonly userMessages = new Map<number, Message>();
  readonly replies: BotReply[] = [];

  constructor(public chat: Chat) {}
}

interface MessageContent {
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  captionEntities?: MessageEntity[];
  document?: StoredFile;
  photo?: StoredFile;
}

interface HeldPoll {
  limit: number;
  settle(result: Update[] | ApiError): void;
}

interface PendingFailure {
  method: string;
  failure: InjectedFailure;
  chatId?: number;
  remaining: number;
}

export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  readonly botInfo: UserFromGetMe;
  /** Highest update id the bot has confirmed by asking for a later `offset`. */
  confirmedUpdateId = 0;
  /** How many calls the global rate limit answered with 429. */
  rateLimitHits = 0;

  private readonly server: Server;
  private port = 0;
  private stopped = false;
  private readonly queue: Update[] = [];
  private lastUpdateId = 0;
  private heldPoll?: HeldPoll;
  private batching = false;
  private readonly chats = new Map<number, ChatState>();
  private readonly files = new Map<string, StoredFile>();
  private fileCounter = 0;
  private readonly openCallbackQueries = new Set<string>();
  private readonly pendingFailures: PendingFailure[] = [];
  private readonly blockedChats = new Set<number>();
  private rateLimit: RateLimit | null = null;
  private recentSends: number[] = [];
  private webhookUrl = "";
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly menuButtons = new Map<string, unknown>();
  private readonly changeListeners = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stalledMethods = new Map<string, Promise<void>>();
  private readonly stallReleases = new Set<() => void>();
  private readonly methods: ReadonlyMap<string, MethodHandler>;

  private constructor(readonly token: string, botUsername: string) {
    this.botInfo = {
      id: 999000,
      is_bot: true,
      first_name: "Belm Test Bot",
      username: botUsername,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.methods = this.methodTable();
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(options.token ?? DEFAULT_TOKEN, options.botUsername ?? "belm_test_bot");
    await new Promise<void>((resolve, reject) => {
      fake.server.once("error", reject);
      fake.server.listen(0, "127.0.0.1", () => resolve());
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Ends a held long poll with an empty result, then closes the server and all connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.heldPoll?.settle([]);
    for (const release of [...this.stallReleases]) release();
    const closed = new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
    // Let answered requests (the poll above included) reach the client before cutting connections.
    await Promise.all(this.inFlight);
    this.server.closeAllConnections();
    await closed;
  }

  user(profile: UserProfile): TelegramUser {
    return new TelegramUser(this, profile);
  }

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

  // --- HTTP ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const done = this.respond(req, res);
    this.inFlight.add(done);
    await done;
    this.inFlight.delete(done);
    this.notifyChange();
  }

  private async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const clientGone = new AbortController();
    res.on("close", () => clientGone.abort());
    const response = await this.dispatch(req, clientGone.signal);
    if (res.destroyed) return;
    const status = response.ok ? 200 : response.error_code;
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(response));
    await finished(res).catch(() => undefined);
  }

  private async dispatch(req: IncomingMessage, clientGone: AbortSignal): Promise<ApiResponse> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
    if (!route) return errorResponse(new ApiError(404, "Not Found"));
    const [, token, method = ""] = route;
    if (token !== this.token) return errorResponse(new ApiError(401, "Unauthorized"));
    const handler = this.methods.get(method);
    if (!handler) return errorResponse(new ApiError(404, "Not Found: method not found"));

    let params: ApiParams;
    try {
      params = await readParams(req, url.searchParams);
    } catch (error) {
      return errorResponse(toApiError(error));
    }
    const call = this.record(method, params);
    await this.stalledMethods.get(method);
    try {
      this.applyInjectedFailures(call);
      return { ok: true, result: await handler(params, clientGone) };
    } catch (error) {
      const apiError = toApiError(error);
      call.error = { code: apiError.code, description: apiError.description };
      return errorResponse(apiError);
    }
  }

  private record(method: string, params: ApiParams): RecordedCall {
    const chatId = typeof params.chat_id === "number" ? params.chat_id : undefined;
    const call: RecordedCall = { method, params, at: Date.now() };
    if (chatId !== undefined) call.chatId = chatId;
    this.calls.push(call);
    return call;
  }

  private notifyChange(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  private applyInjectedFailures(call: RecordedCall): void {
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

  private applyRateLimit(): void {
    const now = Date.now();
    this.recentSends = this.recentSends.filter((at) => now - at < 1000);
    if (this.rateLimit && this.recentSends.length >= this.rateLimit.perSecond) {
      this.rateLimitHits += 1;
      throw tooManyRequests(this.rateLimit.retryAfter);
    }
    this.recentSends.push(now);
  }

  private methodTable(): ReadonlyMap<string, MethodHandler> {
    return new Map<string, MethodHandler>([
      ["getMe", () => this.botInfo],
      ["getUpdates", (params, clientGone) => this.getUpdates(params, clientGone)],
      ["setWebhook", (params) => this.setWebhook(params)],
      ["deleteWebhook", (params) => this.deleteWebhook(params)],
      ["getWebhookInfo", () => this.webhookInfo()],
      ["setMyCommands", (params) => this.setMyCommands(params)],
      ["deleteMyCommands", (params) => this.deleteMyCommands(params)],
      ["getMyCommands", (params) => this.commands.get(commandsKey(params)) ?? []],
      ["setChatMenuButton", (params) => this.setChatMenuButton(params)],
      ["getChatMenuButton", (params) => this.menuButtons.get(String(params.chat_id)) ?? { type: "commands" }],
      ["sendMessage", (params) => this.sendMessage(params)],
      ["sendDocument", (params) => this.sendFile(params, "document")],
      ["sendPhoto", (params) => this.sendFile(params, "photo")],
      ["copyMessage", (params) => this.copyMessage(params)],
      ["editMessageText", (params) => this.editMessageText(params)],
      ["editMessageReplyMarkup", (params) => this.editMessageReplyMarkup(params)],
      ["deleteMessage", (params) => this.deleteMessage(params)],
      ["answerCallbackQuery", (params) => this.answerCallbackQuery(params)],
      ["sendChatAction", (params) => this.sendChatAction(params)],
      ["getChat", (params) => this.getChat(params)],
    ]);
  }

  // --- Long polling and webhooks ---------------------------------------------------------------

  private getUpdates(params: ApiParams, clientGone: AbortSignal): Update[] | Promise<Update[]> {
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
  private confirmBefore(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    const firstKept =
      offset > 0
        ? this.queue.findIndex((update) => update.update_id >= offset)
        : Math.max(0, this.queue.length + offset);
    const dropped = this.queue.splice(0, firstKept === -1 ? this.queue.length : firstKept);
    const lastDropped = dropped.at(-1);
    if (lastDropped) this.confirmedUpdateId = Math.max(this.confirmedUpdateId, lastDropped.update_id);
  }

  private holdPoll(limit: number, timeoutSeconds: number, clientGone: AbortSignal): Promise<Update[]> {
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

  private setWebhook(params: ApiParams): true {
    this.webhookUrl = requiredString(params, "url");
    if (params.drop_pending_updates === true) this.queue.length = 0;
    return true;
  }

  private deleteWebhook(params: ApiParams): true {
    this.webhookUrl = "";
    if (params.drop_pending_updates === true) this.queue.length = 0;
    return true;
  }

  private webhookInfo() {
    return { url: this.webhookUrl, has_custom_certificate: false, pending_update_count: this.queue.length };
  }

  private setMyCommands(params: ApiParams): true {
    const commands = asArray(params.commands);
    if (!commands?.every((command) => isRecord(command) && typeof command.command === "string")) {
      throw badRequest("can't parse commands JSON object");
    }
    this.commands.set(commandsKey(params), commands as BotCommand[]);
    return true;
  }

  private deleteMyCommands(params: ApiParams): true {
    this.commands.delete(commandsKey(params));
    return true;
  }

  private setChatMenuButton(params: ApiParams): true {
    this.menuButtons.set(String(params.chat_id), params.menu_button);
    return true;
  }

  // --- Sending ----------------------------------------------------------------------------------

  private sendMessage(params: ApiParams): Message {
    const state = this.chatFor(params);
    const text = readFormattedText(params, "text");
    if (!text) throw badRequest("message text is empty");
    return this.deliver(state, { text: text.text, entities: text.entities }, params.reply_markup);
  }

  private sendFile(params: ApiParams, kind: "document" | "photo"): Message {
    const state = this.chatFor(params);
    const file = this.resolveFile(params[kind], kind);
    const caption = readFormattedText(params, "caption");
    const content: MessageContent = { [kind]: file, caption: caption?.text, captionEntities: caption?.entities };
    return this.deliver(state, content, params.reply_markup);
  }

  private sendChatAction(params: ApiParams): true {
    this.chatFor(params);
    return true;
  }

  private copyMessage(params: ApiParams): { message_id: number } {
    const target = this.chatFor(params);
    const source = this.chats.get(requiredInt(params, "from_chat_id"));
    const messageId = requiredInt(params, "message_id");
    const content = source && this.contentOf(source, messageId);
    if (!content) throw badRequest("message to copy not found");
    const caption = readFormattedText(params, "caption");
    if (caption) Object.assign(content, { caption: caption.text, captionEntities: caption.entities });
    return { message_id: this.deliver(target, content, params.reply_markup).message_id };
  }

  private contentOf(state: ChatState, messageId: number): MessageContent | undefined {
    const stored = state.botMessages.get(messageId);
    if (stored && !stored.view.deleted) {
      const { text, caption, document, photo } = stored.view;
      return {
        text,
        caption,
        document,
        entities: stored.entities,
        captionEntities: stored.captionEntities,
        photo: photo && this.files.get(photo.fileId),
      };
    }
    const message = state.userMessages.get(messageId);
    if (!message) return undefined;
    const photoId = message.photo?.at(-1)?.file_id;
    return {
      text: message.text,
      entities: message.entities,
      caption: message.caption,
      captionEntities: message.caption_entities,
      document: message.document && this.files.get(message.document.file_id),
      photo: photoId === undefined ? undefined : this.files.get(photoId),
    };
  }

  private deliver(state: ChatState, content: MessageContent, replyMarkup: unknown): Message {
    const markup = readReplyMarkup(replyMarkup);
    const view: BotMessage = {
      messageId: state.nextMessageId++,
      chatId: state.chat.id,
      buttons: toInlineButtons(markup.inlineKeyboard),
      deleted: false,
      edits: 0,
    };
    if (content.text !== undefined) view.text = content.text;
    if (content.caption !== undefined) view.caption = content.caption;
    if (markup.replyKeyboard) view.replyKeyboard = markup.replyKeyboard;
    if (content.document) view.document = content.document;
    if (content.photo) view.photo = { bytes: content.photo.bytes, fileId: content.photo.fileId };
    const stored: StoredMessage = {
      view,
      date: unixNow(),
      entities: content.entities,
      captionEntities: content.captionEntities,
      inlineKeyboard: markup.inlineKeyboard,
    };
    state.botMessages.set(view.messageId, stored);
    state.replies.push(snapshot(view, false));
    return this.toTelegramMessage(state, stored);
  }

  private resolveFile(value: unknown, kind: "document" | "photo"): StoredFile {
    if (isUploadedFile(value)) return this.storeFile(value, kind);
    if (typeof value !== "string" || value === "") throw badRequest(`there is no ${kind} in the request`);
    const known = this.files.get(value);
    if (known) return known;
    if (/^https?:\/\//.test(value)) {
      const filename = new URL(value).pathname.split("/").pop() || kind;
      return this.storeFile({ filename, bytes: Buffer.alloc(0) }, kind);
    }
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  // --- Editing, deleting, callback answers --------------------------------------------------------

  private editMessageText(params: ApiParams): Message {
    const { state, stored } = this.messageToEdit(params);
    if (stored.view.text === undefined) throw badRequest("there is no text in the message to edit");
    const text = readFormattedText(params, "text");
    if (!text) throw badRequest("message text is empty");
    // Like Telegram: an edit without reply_markup removes the inline keyboard.
    const { inlineKeyboard } = readReplyMarkup(params.reply_markup);
    const unchanged =
      text.text === stored.view.text &&
      sameJson(text.entities ?? [], stored.entities ?? []) &&
      sameJson(inlineKeyboard, stored.inlineKeyboard);
    if (unchanged) throw badRequest(NOT_MODIFIED);
    stored.view.text = text.text;
    stored.entities = text.entities;
    return this.applyEdit(state, stored, inlineKeyboard);
  }

  private editMessageReplyMarkup(params: ApiParams): Message {
    const { state, stored } = this.messageToEdit(params);
    const { inlineKeyboard } = readReplyMarkup(params.reply_markup);
    if (sameJson(inlineKeyboard, stored.inlineKeyboard)) throw badRequest(NOT_MODIFIED);
    return this.applyEdit(state, stored, inlineKeyboard);
  }

  private messageToEdit(params: ApiParams): { state: ChatState; stored: StoredMessage } {
    if (params.inline_message_id !== undefined) throw badRequest("inline messages are not supported by the fake");
    const state = this.chatFor(params);
    const stored = state.botMessages.get(requiredInt(params, "message_id"));
    if (!stored || stored.view.deleted) throw badRequest("message to edit not found");
    return { state, stored };
  }

  private applyEdit(
    state: ChatState,
    stored: StoredMessage,
    inlineKeyboard: InlineKeyboardButton[][] | undefined,
  ): Message {
    stored.inlineKeyboard = inlineKeyboard;
    stored.editDate = unixNow();
    stored.view.buttons = toInlineButtons(inlineKeyboard);
    stored.view.edits += 1;
    state.replies.push(snapshot(stored.view, true));
    return this.toTelegramMessage(state, stored);
  }

  private deleteMessage(params: ApiParams): true {
    const state = this.chatFor(params);
    const messageId = requiredInt(params, "message_id");
    const stored = state.botMessages.get(messageId);
    if (stored && !stored.view.deleted) {
      stored.view.deleted = true;
      return true;
    }
    if (state.userMessages.delete(messageId)) return true;
    throw badRequest("message to delete not found");
  }

  private answerCallbackQuery(params: ApiParams): true {
    // An answered query is closed: answering it again fails, as with Telegram.
    if (!this.openCallbackQueries.delete(requiredString(params, "callback_query_id"))) throw badRequest(QUERY_TOO_OLD);
    return true;
  }

  private getChat(params: ApiParams) {
    return { ...this.chatFor(params).chat, accent_color_id: 0, max_reaction_count: 11 };
  }

  // --- Helpers that need the fake's state ---------------------------------------------------------

  private chatFor(params: ApiParams): ChatState {
    const state = this.chats.get(requiredInt(params, "chat_id"));
    if (!state) throw badRequest("chat not found");
    return state;
  }

  private learnFrom(update: Update): void {
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

  private toTelegramMessage(state: ChatState, stored: StoredMessage): Message {
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

  private botUser(): User {
    const { id, is_bot, first_name, username } = this.botInfo;
    return { id, is_bot, first_name, username };
  }
}

// --- Errors and responses -------------------------------------------------------------------------

function errorResponse(error: ApiError): ApiResponse {
  const response: ApiResponse = { ok: false, error_code: error.code, description: error.description };
  if (error.parameters) response.parameters = error.parameters;
  return response;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // A bug in the fake itself: make it loud rather than passing it off as a Telegram answer.
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, `Internal Server Error (fake-telegram bug: ${message})`);
}

function injectedError(failure: InjectedFailure): ApiError {
  switch (failure.kind) {
    case "429":
      return tooManyRequests(failure.retryAfter);
    case "403":
      return botBlocked();
    case "500":
      return new ApiError(500, "Internal Server Error");
    case "400":
      return badRequest(failure.description);
  }
}

function reachesTheUser(method: string): boolean {
  return method.startsWith("send") || method.startsWith("edit") || method === "copyMessage";
}

function countsTowardsRateLimit(method: string): boolean {
  return (method.startsWith("send") && method !== "sendChatAction") || method === "copyMessage";
}

// --- Request parsing ------------------------------------------------------------------------------

/** Fields that hold free text: never JSON-decode them, or a text like "42" would become a number. */
const FREE_TEXT_FIELDS = new Set([
  "text",
  "caption",
  "callback_query_id",
  "inline_message_id",
  "url",
  "secret_token",
  "phone_number",
  "first_name",
  "last_name",
  "title",
  "description",
  "short_description",
  "name",
  "emoji",
  "question",
  "explanation",
  "address",
]);

async function readParams(req: IncomingMessage, query: URLSearchParams): Promise<ApiParams> {
  const params = decodeFields([...query.entries()]);
  const body = await readBody(req);
  if (body.length === 0) return params;
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("application/json")) return { ...params, ...parseJsonObject(body) };
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    return { ...params, ...decodeFields([...new URLSearchParams(body.toString("utf8")).entries()]) };
  }
  if (contentType.startsWith("multipart/form-data")) return { ...params, ...parseMultipartParams(body, contentType) };
  throw badRequest(`unsupported content type "${contentType}"`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJsonObject(body: Buffer): ApiParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("can't parse JSON body");
  }
  if (!isRecord(parsed)) throw badRequest("JSON body must be an object");
  return parsed;
}

/** Form fields arrive as strings; objects, numbers and booleans are JSON inside them. */
function decodeFields(entries: [string, string][]): ApiParams {
  return Object.fromEntries(entries.map(([name, value]) => [name, decodeFormValue(name, value)]));
}

function decodeFormValue(name: string, value: string): unknown {
  if (FREE_TEXT_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/**
 * grammY uploads a file as its own part under a random name and refers to it from the field with
 * "attach://<name>"; plain multipart clients put the file directly under the field name.
 */
function parseMultipartParams(body: Buffer, contentType: string): ApiParams {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw badRequest("multipart body without boundary");
  const parts = parseMultipart(body, boundary);
  const files = new Map<string, UploadedFile>();
  const params: ApiParams = {};
  for (const part of parts) {
    if (part.filename === undefined) params[part.name] = decodeFormValue(part.name, part.data.toString("utf8"));
    else files.set(part.name, { filename: part.filename, bytes: Buffer.from(part.data) });
  }
  for (const [name, file] of files) {
    const referencing = Object.keys(params).find((key) => params[key] === `attach://${name}`);
    params[referencing ?? name] = file;
  }
  return params;
}

function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const contentStart = start + delimiter.length;
    if (body.subarray(contentStart, contentStart + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, contentStart);
    if (next === -1) break;
    // Each part sits between the CRLF after its delimiter and the CRLF before the next one.
    parts.push(parseMultipartPart(body.subarray(contentStart + 2, next - 2)));
    start = next;
  }
  return parts;
}

function parseMultipartPart(part: Buffer): MultipartPart {
  const headerEnd = part.indexOf("\r\n\r\n");
  if (headerEnd === -1) throw badRequest("malformed multipart part");
  const headers = part.subarray(0, headerEnd).toString("utf8").split("\r\n");
  const disposition = headers.find((line) => /^content-disposition\s*:/i.test(line)) ?? "";
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw badRequest("multipart part without a name");
  // grammY writes the filename without quotes.
  const filenameMatch = /;\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
  const data = part.subarray(headerEnd + 4);
  if (!filenameMatch) return { name, data };
  return { name, data, filename: (filenameMatch[1] ?? filenameMatch[2] ?? "").trim() };
}

// --- Parameter accessors ----------------------------------------------------------------------------

function optionalInt(params: ApiParams, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) throw badRequest(`field "${name}" must be an integer`);
  return number;
}

function requiredInt(params: ApiParams, name: string): number {
  const value = optionalInt(params, name);
  if (value === undefined) throw badRequest(`${name} is empty`);
  return value;
}

function requiredString(params: ApiParams, name: string): string {
  const value = params[name];
  if (typeof value !== "string") throw badRequest(`${name} is empty`);
  return value;
}

function commandsKey(params: ApiParams): string {
  const languageCode = typeof params.language_code === "string" ? params.language_code : "";
  return `${JSON.stringify(params.scope ?? { type: "default" })}|${languageCode}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return isRecord(value) && typeof value.filename === "string" && Buffer.isBuffer(value.bytes);
}

// --- Text and markup ----------------------------------------------------------------------------------

interface FormattedText {
  text: string;
  entities?: MessageEntity[];
}

/** Reads `text` or `caption` the way Telegram shows it: HTML is parsed into plain text and entities. */
function readFormattedText(params: ApiParams, field: "text" | "caption"): FormattedText | undefined {
  const raw = params[field];
  if (raw === undefined || raw === null) return undefined;
  const source = typeof raw === "string" ? raw : JSON.stringify(raw);
  const explicit = asArray(params[field === "text" ? "entities" : "caption_entities"]) as MessageEntity[] | undefined;
  // MarkdownV2 is kept as sent: the project formats with HTML.
  const formatted = params.parse_mode === "HTML" ? parseHtml(source) : { text: source, entities: explicit };
  const maxLength = field === "text" ? MAX_TEXT_LENGTH : MAX_CAPTION_LENGTH;
  if (field === "text" && formatted.text.trim() === "") throw badRequest("message text is empty");
  if (formatted.text.length > maxLength) {
    throw badRequest(field === "text" ? "message is too long" : "message caption is too long");
  }
  return formatted;
}

const HTML_ENTITY_TYPES = new Map<string, MessageEntity["type"]>([
  ["b", "bold"],
  ["strong", "bold"],
  ["i", "italic"],
  ["em", "italic"],
  ["u", "underline"],
  ["ins", "underline"],
  ["s", "strikethrough"],
  ["strike", "strikethrough"],
  ["del", "strikethrough"],
  ["span", "spoiler"],
  ["tg-spoiler", "spoiler"],
  ["code", "code"],
  ["pre", "pre"],
  ["blockquote", "blockquote"],
  ["a", "text_link"],
  ["tg-emoji", "custom_emoji"],
]);

const HTML_CHARACTER_REFERENCES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  tag: string;
  type: MessageEntity["type"];
  attributes: string;
  offset: number;
}

/**
 * Telegram's HTML parse mode in brief: supported tags become entities, character references are
 * decoded, and an unsupported or unbalanced tag (e.g. an unescaped "<" in a user's name) fails the
 * request with "can't parse entities", exactly the bug this is here to catch.
 */
function parseHtml(source: string): FormattedText {
  const tokens = /<(\/?)([A-Za-z][\w-]*)((?:\s[^>]*)?)>|&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|</g;
  const open: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  let text = "";
  let consumed = 0;
  for (const match of source.matchAll(tokens)) {
    text += source.slice(consumed, match.index);
    consumed = match.index + match[0].length;
    const [token, closing, tag, attributes = "", reference] = match;
    const byteOffset = Buffer.byteLength(source.slice(0, match.index));
    if (reference !== undefined) text += decodeCharacterReference(reference, token);
    else if (tag === undefined) throw cannotParseEntities(`Unclosed start tag at byte offset ${byteOffset}`);
    else if (closing) entities.push(closeTag(open, tag.toLowerCase(), text.length, byteOffset));
    else open.push(openTag(tag.toLowerCase(), attributes, text.length, byteOffset));
  }
  const unclosed = open.at(-1);
  if (unclosed) throw cannotParseEntities(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  text += source.slice(consumed);
  const visible = entities.filter((entity) => entity.length > 0);
  visible.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities: visible };
}

function openTag(tag: string, attributes: string, offset: number, byteOffset: number): OpenTag {
  const type = HTML_ENTITY_TYPES.get(tag);
  if (!type) throw cannotParseEntities(`Unsupported start tag "${tag}" at byte offset ${byteOffset}`);
  return { tag, type, attributes, offset };
}

function closeTag(open: OpenTag[], tag: string, offset: number, byteOffset: number): MessageEntity {
  const opened = open.pop();
  if (opened?.tag !== tag) {
    const expected = opened ? `"</${opened.tag}>"` : "no end tag";
    throw cannotParseEntities(
      `Unmatched end tag at byte offset ${byteOffset}, expected ${expected}, found "</${tag}>"`,
    );
  }
  const position = { offset: opened.offset, length: offset - opened.offset };
  const { type } = opened;
  if (type === "text_link") return { ...position, type, url: htmlAttribute(opened.attributes, "href") ?? "" };
  if (type === "custom_emoji") {
    return { ...position, type, custom_emoji_id: htmlAttribute(opened.attributes, "emoji-id") ?? "" };
  }
  if (type === "pre") return { ...position, type };
  return { ...position, type: type as MessageEntity.CommonMessageEntity["type"] };
}

function htmlAttribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attributes);
  return match?.[1] ?? match?.[2];
}

function decodeCharacterReference(reference: string, token: string): string {
  if (reference.startsWith("#x")) return String.fromCodePoint(parseInt(reference.slice(2), 16));
  if (reference.startsWith("#")) return String.fromCodePoint(parseInt(reference.slice(1), 10));
  return HTML_CHARACTER_REFERENCES[reference.toLowerCase()] ?? token;
}

function cannotParseEntities(detail: string): ApiError {
  return badRequest(`can't parse entities: ${detail}`);
}

interface ReadMarkup {
  inlineKeyboard?: InlineKeyboardButton[][];
  replyKeyboard?: string[][];
}

function readReplyMarkup(markup: unknown): ReadMarkup {
  if (markup === undefined || markup === null) return {};
  if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (markup.inline_keyboard !== undefined) return { inlineKeyboard: readInlineKeyboard(markup.inline_keyboard) };
  if (markup.keyboard !== undefined) return { replyKeyboard: readReplyKeyboard(markup.keyboard) };
  return {};
}

function readInlineKeyboard(rows: unknown): InlineKeyboardButton[][] {
  const parsedRows = asArray(rows)?.map(asArray);
  if (!parsedRows || parsedRows.some((row) => row === undefined)) throw badRequest("can't parse inline keyboard");
  return (parsedRows as unknown[][]).map((row) => row.map(readInlineButton));
}

function readInlineButton(button: unknown): InlineKeyboardButton {
  if (!isRecord(button) || typeof button.text !== "string") throw badRequest("can't parse inline keyboard button");
  if (typeof button.callback_data === "string") {
    const size = Buffer.byteLength(button.callback_data);
    if (size < 1 || size > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (Object.keys(button).every((key) => key === "text" || key === "style" || key === "icon_custom_emoji_id")) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  return button as unknown as InlineKeyboardButton;
}

function readReplyKeyboard(rows: unknown): string[][] {
  const parsedRows = asArray(rows)?.map(asArray);
  if (!parsedRows || parsedRows.some((row) => row === undefined)) throw badRequest("can't parse reply keyboard");
  return (parsedRows as unknown[][]).map((row) =>
    row.map((button) => (typeof button === "string" ? button : isRecord(button) ? String(button.text) : "")),
  );
}

function toInlineButtons(keyboard: InlineKeyboardButton[][] | undefined): InlineButton[][] {
  return (keyboard ?? []).map((row) =>
    row.map((button) => {
      const view: InlineButton = { text: button.text };
      if ("callback_data" in button) view.data = button.callback_data;
      if ("url" in button) view.url = button.url;
      return view;
    }),
  );
}

// --- Small conversions --------------------------------------------------------------------------------

function snapshot(view: BotMessage, edited: boolean): BotReply {
  return { ...view, buttons: view.buttons.map((row) => [...row]), edited };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

const MIME_TYPES: Record<string, string> = {
  json: "application/json",
  csv: "text/csv",
  pdf: "application/pdf",
  txt: "text/plain",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

function documentOf(file: StoredFile) {
  const extension = file.filename.split(".").pop()?.toLowerCase() ?? "";
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_name: file.filename,
    mime_type: MIME_TYPES[extension] ?? "application/octet-stream",
    file_size: file.bytes.length,
  };
}

function photoSizeOf(file: StoredFile) {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    width: 320,
    height: 320,
    file_size: file.bytes.length,
  };
}
