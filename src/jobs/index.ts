import type { BotDeps } from "../bot/context.js";
import { deleteStaleConversations } from "../bot/conversation-storage.js";
import type { Job } from "./scheduler.js";

/** Conversations nobody continued for this long are dropped (data minimisation). */
export const STALE_CONVERSATION_DAYS = 30;

export function createJobs(deps: BotDeps): Job[] {
  return [
    {
      name: "stale-conversations",
      cron: "30 3 * * *",
      run: () => deleteStaleConversations(deps.db, new Date(deps.clock().getTime() - STALE_CONVERSATION_DAYS * 86_400_000)),
    },
  ];
}
