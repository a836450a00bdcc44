import type { IncomingMessage } from "node:http";
import type { ResponseParameters } from "grammy/types";
import type { ApiParams, ApiResponse, InjectedFailure, UploadedFile } from "./fake-telegram-types.js";

/** Errors as the Bot API answers them, and reading the parameters of a request. */

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

export const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);
export const tooManyRequests = (retryAfter: number) =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
export const botBlocked = () => new ApiError(403, "Forbidden: bot was blocked by the user");

export const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same " +
  "as a current content and reply markup of the message";
export const QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid";
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;

export function errorResponse(error: ApiError): ApiResponse {
  const response: ApiResponse = { ok: false, error_code: error.code, description: error.description };
  if (error.parameters) response.parameters = error.parameters;
  return response;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // A bug in the fake itself: make it loud rather than passing it off as a Telegram answer.
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, `Internal Server Error (fake-telegram bug: ${message})`);
}

export function injectedError(failure: InjectedFailure): ApiError {
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

export function reachesTheUser(method: string): boolean {
  return method.startsWith("send") || method.startsWith("edit") || method === "copyMessage";
}

export function countsTowardsRateLimit(method: string): boolean {
  return (method.startsWith("send") && method !== "sendChatAction") || method === "copyMessage";
}

// --- Request parsing ------------------------------------------------------------------------------

/** Fields that hold free text: never JSON-decode them, or a text like "42" would become a number. */
export const FREE_TEXT_FIELDS = new Set([
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

export async function readParams(req: IncomingMessage, query: URLSearchParams): Promise<ApiParams> {
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

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseJsonObject(body: Buffer): ApiParams {
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
export function decodeFields(entries: [string, string][]): ApiParams {
  return Object.fromEntries(entries.map(([name, value]) => [name, decodeFormValue(name, value)]));
}

export function decodeFormValue(name: string, value: string): unknown {
  if (FREE_TEXT_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/**
 * grammY uploads a file as its own part under a random name and refers to it from the field with
 * "attach://<name>"; plain multipart clients put the file directly under the field name.
 */
export function parseMultipartParams(body: Buffer, contentType: string): ApiParams {
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

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
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

export function parseMultipartPart(part: Buffer): MultipartPart {
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

export function optionalInt(params: ApiParams, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) throw badRequest(`field "${name}" must be an integer`);
  return number;
}

export function requiredInt(params: ApiParams, name: string): number {
  const value = optionalInt(params, name);
  if (value === undefined) throw badRequest(`${name} is empty`);
  return value;
}

export function requiredString(params: ApiParams, name: string): string {
  const value = params[name];
  if (typeof value !== "string") throw badRequest(`${name} is empty`);
  return value;
}

export function commandsKey(params: ApiParams): string {
  const languageCode = typeof params.language_code === "string" ? params.language_code : "";
  return `${JSON.stringify(params.scope ?? { type: "default" })}|${languageCode}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return isRecord(value) && typeof value.filename === "string" && Buffer.isBuffer(value.bytes);
}

// --- Text and markup ----------------------------------------------------------------------------------
