import type {
  ConversationData,
  ConversationState,
  VersionedState,
  VersionedStateStorage,
} from "@grammyjs/conversations";
import type { Db } from "../db.js";

/** Telegram user/chat fields that are personal; stored Telegram payloads keep only the ids. */
const PERSONAL_FIELDS = new Set(["first_name", "last_name", "username", "language_code", "title", "is_premium"]);

/**
 * The one kind of operation in the replay log whose results the bot's own code chose:
 * `conversation.external` (also behind `conversation.now()` and `conversation.random()`).
 * Every other operation is a wait (its result is the Telegram update that arrived) or a Bot API
 * call made inside the conversation (its result is Telegram's response).
 */
const EXTERNAL_OP = "external";

/** A Telegram payload without the names of the people and chats in it, at any depth. */
function withoutPersonalFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalFields);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !PERSONAL_FIELDS.has(key))
      .map(([key, inner]) => [key, withoutPersonalFields(inner)]),
  );
}

/**
 * The conversations plugin replays a conversation from a log of operations (`replay.send`) and
 * their results (`replay.receive`). Before consent we may keep nothing about a person beyond the
 * Telegram id, yet Telegram puts names into every update (`message.from`, `message.chat`,
 * `callback_query.from`, …) and into the messages it returns. So the names are dropped from those
 * Telegram payloads only; results of `conversation.external` are stored exactly as returned
 * (a conversation that needs a name reads it from the live update inside `external`, after
 * consent). Arguments (`args`) and the rest of the state are kept as they are.
 */
function withoutTelegramNames(state: ConversationState): ConversationState {
  const { send, receive } = state.replay;
  return {
    ...state,
    replay: {
      send,
      receive: receive.map((op) =>
        send[op.send]?.payload === EXTERNAL_OP ? op : { ...op, returnValue: withoutPersonalFields(op.returnValue) },
      ),
    },
  };
}

function forStorage(versioned: VersionedState<ConversationData>): VersionedState<ConversationData> {
  const state = Object.fromEntries(
    Object.entries(versioned.state).map(([name, states]) => [name, states.map(withoutTelegramNames)]),
  );
  return { ...versioned, state };
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
  const load = async () =>
    new Set((await db.conversationState.findMany({ select: { key: true } })).map((row) => row.key));
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
      const value = JSON.stringify(forStorage(state));
      (await storedKeys()).add(key);
      await db.conversationState.upsert({ where: { key }, create: { key, value }, update: { value } });
    },
    async delete(key) {
      await db.conversationState.deleteMany({ where: { key } });
      (await storedKeys()).delete(key);
    },
  };
}

/** Drops conversations that were left untouched since `before`; returns how many. */
export async function deleteStaleConversations(db: Db, before: Date): Promise<number> {
  const { count } = await db.conversationState.deleteMany({ where: { updatedAt: { lt: before } } });
  return count;
}
