import type { ConversationData, VersionedState, VersionedStateStorage } from "@grammyjs/conversations";
import type { Db } from "../db.js";

/** Telegram user/chat fields that are personal; conversation state keeps only the ids. */
const PERSONAL_FIELDS = new Set(["first_name", "last_name", "username", "language_code", "title", "is_premium"]);

/**
 * Conversation state is the list of updates a conversation has received. Before consent we may
 * keep nothing about a person beyond the Telegram id, so names are dropped from what is stored;
 * conversations read names from the live update through `conversation.external` instead.
 */
function withoutPersonalFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalFields);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => !PERSONAL_FIELDS.has(key)).map(([key, inner]) => [key, withoutPersonalFields(inner)]),
  );
}

/**
 * Keeps conversation state in the database, so a restart resumes a conversation where it was.
 * Most updates come from people in no conversation; the keys that have state are kept in memory
 * (loaded once, then kept up to date by every write), so those updates cost no query. The set
 * may hold keys whose rows were deleted elsewhere (erasure, the stale-conversation job); such a
 * read just finds nothing.
 */
export function prismaConversationStorage(db: Db): VersionedStateStorage<string, ConversationData> {
  let stored: Promise<Set<string>> | undefined;
  const load = async () => new Set((await db.conversationState.findMany({ select: { key: true } })).map((row) => row.key));
  const storedKeys = () =>
    (stored ??= load().catch((error: unknown) => {
      stored = undefined; // try again with the next update
      throw error;
    }));
  return {
    async read(key) {
      if (!(await storedKeys()).has(key)) return undefined;
      const row = await db.conversationState.findUnique({ where: { key } });
      return row ? (JSON.parse(row.value) as VersionedState<ConversationData>) : undefined;
    },
    async write(key, state) {
      const value = JSON.stringify(withoutPersonalFields(state));
      (await storedKeys()).add(key);
      await db.conversationState.upsert({ where: { key }, create: { key, value }, update: { value } });
    },
    async delete(key) {
      await db.conversationState.deleteMany({ where: { key } });
      (await storedKeys()).delete(key);
    },
  };
}

/** The storage key the conversations plugin uses for a private chat. */
export function conversationKeyForChat(chatId: number | bigint): string {
  return String(chatId);
}

/** Drops conversations that were left untouched since `before`; returns how many. */
export async function deleteStaleConversations(db: Db, before: Date): Promise<number> {
  const { count } = await db.conversationState.deleteMany({ where: { updatedAt: { lt: before } } });
  return count;
}
