import type { Api } from "grammy";
import { asBulk } from "../bot/bulk.js";
import type { BotDeps } from "../bot/context.js";
import { deleteStaleConversations } from "../bot/conversation-storage.js";
import { createBroadcastWorker } from "./broadcasts.js";
import { runCourseClosingJob } from "./course-closing.js";
import { runTallyJob, sendWeeklyDigest } from "./indicators.js";
import { runReminderJob } from "./reminders.js";
import { runRetentionJob } from "./retention.js";
import type { Job } from "./scheduler.js";

/** Conversations nobody continued for this long are dropped (data minimisation). */
export const STALE_CONVERSATION_DAYS = 30;

/** The jobs of the bot; `api` is the bot's own, so sends go through its bulk limiter, retries and blocked-chat marker. */
export function createJobs(deps: BotDeps, api: Api): Job[] {
  const broadcasts = createBroadcastWorker(deps, api);
  return [
    {
      name: "stale-conversations",
      cron: "30 3 * * *",
      run: () => deleteStaleConversations(deps.db, new Date(deps.clock().getTime() - STALE_CONVERSATION_DAYS * 86_400_000)),
    },
    {
      // After midnight, when yesterday's last sessions are over, and before the nightly figures;
      // 01:30 exists exactly once every night, also when the clocks change (02:00–03:00).
      name: "course-closing",
      cron: "30 1 * * *",
      run: () => runCourseClosingJob(deps, deps.clock()),
    },
    {
      name: "reminders",
      cron: "* * * * *",
      run: () => runReminderJob(deps, (chatId, text, options) => api.sendMessage(chatId, text, asBulk(options)), deps.clock()),
    },
    {
      // Every five seconds, so "send now" starts at once; a run lasts until the queue is empty.
      name: "broadcasts",
      cron: "*/5 * * * * *",
      run: () => broadcasts.runOnce(),
      stop: () => broadcasts.stop(),
      abandon: () => broadcasts.abandon(),
    },
    {
      // Notices planned at 10:00 go out at once (outside the quiet hours); 10:00 exists every day.
      name: "retention",
      cron: "0 10 * * *",
      run: () => runRetentionJob(deps, deps.clock()),
    },
    // In full every night: the incremental runs during the day rest on the change markers alone.
    { name: "indicator-tallies", cron: "0 2 * * *", run: () => runTallyJob(deps, { full: true }) },
    { name: "indicator-digest", cron: "0 8 * * 1", run: () => sendWeeklyDigest(deps, api) },
  ];
}
