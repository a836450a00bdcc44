import type { Chat, Message, MessageEntity, User } from "grammy/types";
import type { BotMessage, BotReply, FakeTelegram, RecordedCall } from "./fake-telegram.js";

/** Who the test user is; the private chat with the bot has the user's id. */
export interface UserProfile {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

/** The parameters of the bot's answerCallbackQuery call. */
export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

export interface ReplyOptions {
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** Belm's town hall, a plausible location for a resident to share. */
const BELM = { latitude: 52.3033, longitude: 8.1339 };

/**
 * A person in a private chat with the bot. Actions push updates into the fake server, as the
 * Telegram app would; `nextReply` reads the bot's messages and edits in order, each one once.
 */
export class TelegramUser {
  readonly id: number;
  readonly firstName: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly language?: string;
  readonly chatId: number;

  private consumedReplies = 0;
  private callbackCounter = 0;
  private readonly callbackQueryIds = new Set<string>();

  constructor(
    private readonly fake: FakeTelegram,
    profile: UserProfile,
  ) {
    this.id = profile.id;
    this.chatId = profile.id;
    this.firstName = profile.firstName;
    this.lastName = profile.lastName;
    this.username = profile.username;
    this.language = profile.languageCode;
    fake.rememberChat(this.chat);
  }

  /** The user as Telegram describes them in updates. */
  get telegramUser(): User {
    const user: User = { id: this.id, is_bot: false, first_name: this.firstName };
    if (this.lastName !== undefined) user.last_name = this.lastName;
    if (this.username !== undefined) user.username = this.username;
    if (this.language !== undefined) user.language_code = this.language;
    return user;
  }

  get chat(): Chat.PrivateChat {
    const chat: Chat.PrivateChat = { id: this.chatId, type: "private", first_name: this.firstName };
    if (this.lastName !== undefined) chat.last_name = this.lastName;
    if (this.username !== undefined) chat.username = this.username;
    return chat;
  }

  // --- Sending messages (each returns the update id) -------------------------------------------

  /** Sends text; a leading "/command" gets the bot_command entity Telegram would attach. */
  send(text: string): number {
    const entities = commandEntities(text);
    return this.pushMessage(entities.length > 0 ? { text, entities } : { text });
  }

  /** Taps a reply-keyboard button, which sends its label as a plain message. */
  press(label: string): number {
    return this.send(label);
  }

  sendSticker(emoji = "👍"): number {
    const file = this.fake.storeFile({ filename: "sticker.webp", bytes: Buffer.from("webp") }, "sticker");
    return this.pushMessage({
      sticker: {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji,
      },
    });
  }

  sendPhoto(bytes = Buffer.from("jpeg")): number {
    const file = this.fake.storeFile({ filename: "photo.jpg", bytes }, "photo");
    const size = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: bytes.length };
    return this.pushMessage({ photo: [{ ...size, width: 800, height: 600 }] });
  }

  sendDocument(filename: string, bytes = Buffer.from("document")): number {
    const file = this.fake.storeFile({ filename, bytes }, "document");
    const ids = { file_id: file.fileId, file_unique_id: file.fileUniqueId };
    return this.pushMessage({ document: { ...ids, file_name: filename, file_size: bytes.length } });
  }

  sendLocation(location = BELM): number {
    return this.pushMessage({ location: { ...location } });
  }

  /** Shares a contact card; like Telegram's "share my number" button, it carries the user's id. */
  sendContact(phone: string): number {
    const contact: Message["contact"] = { phone_number: phone, first_name: this.firstName, user_id: this.id };
    if (this.lastName !== undefined) contact.last_name = this.lastName;
    return this.pushMessage({ contact });
  }

  private pushMessage(content: Partial<Message>): number {
    const message = {
      ...content,
      message_id: this.fake.allocateMessageId(this.chatId),
      date: Math.floor(Date.now() / 1000),
      chat: this.chat,
      from: this.telegramUser,
    };
    return this.fake.pushUpdate({ message });
  }

  // --- Inline buttons (each returns the callback query id) ---------------------------------------

  /** Presses a button on the newest bot message that has inline buttons. */
  tap(label: string | RegExp): string {
    const message = this.fake
      .messagesIn(this.chatId)
      .findLast((candidate) => !candidate.deleted && candidate.buttons.length > 0);
    if (!message) {
      throw new Error(`${this.name} sees no message with inline buttons. ${this.recentActivity()}`);
    }
    return this.pressButton(message, label);
  }

  /** Presses a button on a particular (possibly older) message. */
  tapOn(messageId: number, label: string | RegExp): string {
    return this.pressButton(this.visibleMessage(messageId), label);
  }

  /** Sends raw callback data, as a forged or stale button would; defaults to the newest bot message. */
  tapData(data: string, messageId?: number): string {
    const message =
      messageId === undefined
        ? this.fake.messagesIn(this.chatId).findLast((candidate) => !candidate.deleted)
        : this.visibleMessage(messageId);
    if (!message) throw new Error(`${this.name} sees no message from the bot to attach the callback to`);
    return this.pushCallbackQuery(message.messageId, data);
  }

  private pressButton(message: BotMessage, label: string | RegExp): string {
    const buttons = message.buttons.flat();
    const button = buttons.find((candidate) =>
      typeof label === "string" ? candidate.text === label : label.test(candidate.text),
    );
    if (!button) {
      const available = buttons.map((candidate) => `"${candidate.text}"`).join(", ");
      throw new Error(`No button ${String(label)} on message ${message.messageId}; it has: ${available}`);
    }
    if (button.data === undefined) {
      throw new Error(`Button "${button.text}" opens ${button.url ?? "something"} and sends no callback data`);
    }
    return this.pushCallbackQuery(message.messageId, button.data);
  }

  private pushCallbackQuery(messageId: number, data: string): string {
    this.callbackCounter += 1;
    const id = `${this.id}${String(this.callbackCounter).padStart(6, "0")}`;
    this.callbackQueryIds.add(id);
    this.fake.pushUpdate({
      callback_query: {
        id,
        from: this.telegramUser,
        message: this.fake.telegramMessage(this.chatId, messageId),
        chat_instance: `chat-instance-${this.chatId}`,
        data,
      },
    });
    return id;
  }

  private visibleMessage(messageId: number): BotMessage {
    const message = this.fake.messagesIn(this.chatId).find((candidate) => candidate.messageId === messageId);
    if (!message || message.deleted) throw new Error(`${this.name} sees no bot message ${messageId}`);
    return message;
  }

  // --- Reading what the bot did -------------------------------------------------------------------

  /** The next message or edit in this chat that the test has not looked at yet. */
  async nextReply(options: ReplyOptions = {}): Promise<BotReply> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const reply = await waitForChange(this.fake, () => this.unreadReplies()[0], timeoutMs);
    if (!reply) throw new Error(`${this.name} got no reply within ${timeoutMs} ms. ${this.recentActivity()}`);
    this.consumedReplies += 1;
    return reply;
  }

  async replies(count: number, options: ReplyOptions = {}): Promise<BotReply[]> {
    const collected: BotReply[] = [];
    for (let index = 0; index < count; index += 1) collected.push(await this.nextReply(options));
    return collected;
  }

  /** Marks everything the bot sent so far as read and returns it. */
  skipReplies(): BotReply[] {
    const unread = this.unreadReplies();
    this.consumedReplies += unread.length;
    return unread;
  }

  async expectNoReply(ms = 400): Promise<void> {
    const reply = await waitForChange(this.fake, () => this.unreadReplies()[0], ms);
    if (reply) {
      throw new Error(`Expected no reply to ${this.name}, but the bot sent: ${describeReplies(this.unreadReplies())}`);
    }
  }

  /** The bot's most recent answer to one of this user's callback queries. */
  lastCallbackAnswer(): CallbackAnswer | undefined {
    const call = this.fake
      .callsTo("answerCallbackQuery")
      .findLast((candidate) => !candidate.error && this.callbackQueryIds.has(queryIdOf(candidate)));
    return call && toCallbackAnswer(call);
  }

  async callbackAnswered(queryId: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CallbackAnswer> {
    const call = await waitForChange(
      this.fake,
      () => this.fake.callsTo("answerCallbackQuery").find((call) => !call.error && queryIdOf(call) === queryId),
      timeoutMs,
    );
    if (!call) throw new Error(`The bot did not answer callback query ${queryId} within ${timeoutMs} ms`);
    return toCallbackAnswer(call);
  }

  private get name(): string {
    return `${this.firstName} (${this.id})`;
  }

  private unreadReplies(): BotReply[] {
    return this.fake.repliesTo(this.chatId).slice(this.consumedReplies);
  }

  private recentActivity(): string {
    const sent = this.fake.repliesTo(this.chatId).slice(-5);
    const failures = this.fake
      .callsFor(this.chatId)
      .filter((call) => call.error)
      .slice(-3)
      .map((call) => `${call.method} → ${call.error?.code} ${call.error?.description}`);
    const lines = [`Last things the bot sent to this chat: ${sent.length > 0 ? describeReplies(sent) : "nothing"}`];
    if (failures.length > 0) lines.push(`Failed calls for this chat: ${failures.join("; ")}`);
    return lines.join("\n");
  }
}

/** Polls the predicate every 10 ms until it returns something other than undefined or false. */
export async function waitFor<T>(
  predicate: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`Condition not met within ${timeoutMs} ms: ${predicate.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the first defined value of `read`, re-checked whenever the fake changes; undefined on timeout. */
function waitForChange<T>(fake: FakeTelegram, read: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const ready = read();
  if (ready !== undefined) return Promise.resolve(ready);
  return new Promise((resolve) => {
    const finish = (value: T | undefined) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const unsubscribe = fake.onChange(() => {
      const value = read();
      if (value !== undefined) finish(value);
    });
  });
}

function commandEntities(text: string): MessageEntity[] {
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/.exec(text)?.[0];
  return command ? [{ type: "bot_command", offset: 0, length: command.length }] : [];
}

function describeReplies(replies: readonly BotReply[]): string {
  return replies.map(describeReply).join(" | ");
}

function describeReply(reply: BotReply): string {
  const content = reply.text ?? `${attachmentOf(reply)} ${reply.caption ?? ""}`.trim();
  const buttons = reply.buttons.flat().map((button) => button.text);
  const keyboard = buttons.length > 0 ? ` [buttons: ${buttons.join(", ")}]` : "";
  return `#${reply.messageId}${reply.edited ? " (edited)" : ""} ${JSON.stringify(content)}${keyboard}`;
}

function attachmentOf(reply: BotReply): string {
  if (reply.document) return `[document ${reply.document.filename}]`;
  if (reply.photo) return "[photo]";
  return "[no text]";
}

function queryIdOf(call: RecordedCall): string {
  return typeof call.params.callback_query_id === "string" ? call.params.callback_query_id : "";
}

function toCallbackAnswer(call: RecordedCall): CallbackAnswer {
  const { params } = call;
  const answer: CallbackAnswer = { callback_query_id: queryIdOf(call) };
  if (typeof params.text === "string") answer.text = params.text;
  if (typeof params.show_alert === "boolean") answer.show_alert = params.show_alert;
  if (typeof params.url === "string") answer.url = params.url;
  if (typeof params.cache_time === "number") answer.cache_time = params.cache_time;
  return answer;
}

/** Takes a new user through /start and consent (in their language) and reads the menu. */
export async function giveConsent(user: TelegramUser): Promise<void> {
  user.send("/start");
  await user.nextReply();
  user.tap(/^(Weiter|Далее)/);
  await user.replies(2);
  user.tap(/^✅/);
  await user.replies(3);
}
