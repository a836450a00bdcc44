import type { InlineKeyboardButton, MessageEntity } from "grammy/types";
import {
  asArray,
  isRecord,
  MAX_CALLBACK_DATA_BYTES,
  MAX_CAPTION_LENGTH,
  MAX_TEXT_LENGTH,
} from "./fake-telegram-wire.js";
import type { ApiParams, BotMessage, BotReply, InlineButton, StoredFile } from "./fake-telegram-types.js";
import { type ApiError, badRequest } from "./fake-telegram-wire.js";

/** Formatted text, keyboards and files as the Bot API reads and returns them. */

export interface FormattedText {
  text: string;
  entities?: MessageEntity[];
}

/** Reads `text` or `caption` the way Telegram shows it: HTML is parsed into plain text and entities. */
export function readFormattedText(params: ApiParams, field: "text" | "caption"): FormattedText | undefined {
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

export const HTML_ENTITY_TYPES = new Map<string, MessageEntity["type"]>([
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

export const HTML_CHARACTER_REFERENCES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

export interface OpenTag {
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
export function parseHtml(source: string): FormattedText {
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

export function openTag(tag: string, attributes: string, offset: number, byteOffset: number): OpenTag {
  const type = HTML_ENTITY_TYPES.get(tag);
  if (!type) throw cannotParseEntities(`Unsupported start tag "${tag}" at byte offset ${byteOffset}`);
  return { tag, type, attributes, offset };
}

export function closeTag(open: OpenTag[], tag: string, offset: number, byteOffset: number): MessageEntity {
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

export function htmlAttribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attributes);
  return match?.[1] ?? match?.[2];
}

export function decodeCharacterReference(reference: string, token: string): string {
  if (reference.startsWith("#x")) return String.fromCodePoint(parseInt(reference.slice(2), 16));
  if (reference.startsWith("#")) return String.fromCodePoint(parseInt(reference.slice(1), 10));
  return HTML_CHARACTER_REFERENCES[reference.toLowerCase()] ?? token;
}

export function cannotParseEntities(detail: string): ApiError {
  return badRequest(`can't parse entities: ${detail}`);
}

export interface ReadMarkup {
  inlineKeyboard?: InlineKeyboardButton[][];
  replyKeyboard?: string[][];
}

export function readReplyMarkup(markup: unknown): ReadMarkup {
  if (markup === undefined || markup === null) return {};
  if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (markup.inline_keyboard !== undefined) return { inlineKeyboard: readInlineKeyboard(markup.inline_keyboard) };
  if (markup.keyboard !== undefined) return { replyKeyboard: readReplyKeyboard(markup.keyboard) };
  return {};
}

export function readInlineKeyboard(rows: unknown): InlineKeyboardButton[][] {
  const parsedRows = asArray(rows)?.map(asArray);
  if (!parsedRows || parsedRows.some((row) => row === undefined)) throw badRequest("can't parse inline keyboard");
  return (parsedRows as unknown[][]).map((row) => row.map(readInlineButton));
}

export function readInlineButton(button: unknown): InlineKeyboardButton {
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

export function readReplyKeyboard(rows: unknown): string[][] {
  const parsedRows = asArray(rows)?.map(asArray);
  if (!parsedRows || parsedRows.some((row) => row === undefined)) throw badRequest("can't parse reply keyboard");
  return (parsedRows as unknown[][]).map((row) =>
    row.map((button) => (typeof button === "string" ? button : isRecord(button) ? String(button.text) : "")),
  );
}

export function toInlineButtons(keyboard: InlineKeyboardButton[][] | undefined): InlineButton[][] {
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

export function snapshot(view: BotMessage, edited: boolean): BotReply {
  return { ...view, buttons: view.buttons.map((row) => [...row]), edited };
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export const MIME_TYPES: Record<string, string> = {
  json: "application/json",
  csv: "text/csv",
  pdf: "application/pdf",
  txt: "text/plain",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function documentOf(file: StoredFile) {
  const extension = file.filename.split(".").pop()?.toLowerCase() ?? "";
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_name: file.filename,
    mime_type: MIME_TYPES[extension] ?? "application/octet-stream",
    file_size: file.bytes.length,
  };
}

export function photoSizeOf(file: StoredFile) {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    width: 320,
    height: 320,
    file_size: file.bytes.length,
  };
}
