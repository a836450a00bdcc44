import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { finished } from "node:stream/promises";
import type { InlineKeyboardButton, Message } from "grammy/types";
import {
  type ApiParams,
  type ApiResponse,
  type BotMessage,
  type ChatState,
  DEFAULT_TOKEN,
  type FakeTelegramOptions,
  type MessageContent,
  type StoredFile,
  type StoredMessage,
} from "./fake-telegram-types.js";
import {
  ApiError,
  badRequest,
  commandsKey,
  errorResponse,
  isUploadedFile,
  NOT_MODIFIED,
  QUERY_TOO_OLD,
  readParams,
  requiredInt,
  requiredString,
  toApiError,
} from "./fake-telegram-wire.js";
import {
  readFormattedText,
  readReplyMarkup,
  sameJson,
  snapshot,
  toInlineButtons,
  unixNow,
} from "./fake-telegram-format.js";
import { FakeTelegramState } from "./fake-telegram-state.js";
import { TelegramUser, type UserProfile } from "./user.js";

export { DEFAULT_TOKEN } from "./fake-telegram-types.js";
export type {
  ApiParams,
  BotMessage,
  BotReply,
  FailNextOptions,
  FakeTelegramOptions,
  InjectedFailure,
  InlineButton,
  RateLimit,
  RecordedCall,
  StoredFile,
  UploadedFile,
} from "./fake-telegram-types.js";

/**
 * A local stand-in for the Telegram Bot API, spoken to over real HTTP. The bot under test points
 * its `apiRoot` here; tests push updates (usually through a {@link TelegramUser}) and read back
 * what the bot sent. Responses and error shapes follow the real Bot API, so grammY, its plugins
 * and our error handling behave as they would in production.
 */

type MethodHandler = (params: ApiParams, clientGone: AbortSignal) => unknown;

export class FakeTelegram extends FakeTelegramState {
  private readonly server: Server;
  private port = 0;
  private readonly methods: ReadonlyMap<string, MethodHandler>;

  private constructor(
    readonly token: string,
    botUsername: string,
  ) {
    super(botUsername);
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
}
