import type { Chat, InlineKeyboardButton, Message, MessageEntity, ResponseParameters, Update } from "grammy/types";
import type { ApiError } from "./fake-telegram-wire.js";

/** The shapes the fake Telegram server records, stores and answers with. */

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

export type InjectedFailure =
  { kind: "429"; retryAfter: number } | { kind: "403" } | { kind: "500" } | { kind: "400"; description: string };

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

export type ApiResponse =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

export interface StoredMessage {
  view: BotMessage;
  date: number;
  editDate?: number;
  entities?: MessageEntity[];
  captionEntities?: MessageEntity[];
  inlineKeyboard?: InlineKeyboardButton[][];
}

export class ChatState {
  nextMessageId = 1;
  readonly botMessages = new Map<number, StoredMessage>();
  readonly userMessages = new Map<number, Message>();
  readonly replies: BotReply[] = [];

  constructor(public chat: Chat) {}
}

export interface MessageContent {
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  captionEntities?: MessageEntity[];
  document?: StoredFile;
  photo?: StoredFile;
}

export interface HeldPoll {
  limit: number;
  settle(result: Update[] | ApiError): void;
}

export interface PendingFailure {
  method: string;
  failure: InjectedFailure;
  chatId?: number;
  remaining: number;
}
