import type { Api } from "grammy";
import { asBulk } from "./bulk.js";
import type { BotDeps } from "./context.js";
import { deleteStaleConversations } from "./conversation-storage.js";
import { createBroadcastWorker } from "../features/broadcasts/worker.js";
import { runCourseClosingJob } from "../jobs/course-closing.js";
import { sendWeeklyDigest } from "../features/indicators/notifications.js";
import { runTallyJob } from "../jobs/indicators.js";
import { runReminderJob } from "../jobs/reminders.js";
import { runRetentionJob } from "../jobs/retention.js";
import type { Job } from "../jobs/scheduler.js";

/** The reminder sources build their buttons with grammY's InlineKeyboard; the job only knows their shape. */
type SendOptions = Parameters<Api["sendMessage"]>[2];

/** Conversations nobody continued for this long are dropped (data minimisation). */
export const STALE_CONVERSATION_DAYS = 30;

/** The jobs of the bot; `api` is the bot's own, so sends go through its bulk limiter, retries and blocked-chat marker. */
export function createJobs(deps: BotDeps, api: Api): Job[] {
  const broadcasts = createBroadcastWorker(deps, api);
  return [
    {
      name: "stale-conversations",
      cron: "30 3 * * *",
      run: () =>
        deleteStaleConversations(deps.db, new Date(deps.clock().getTime() - STALE_CONVERSATION_DAYS * 86_400_000)),
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
      run: () =>
        runReminderJob(
          deps,
          (chatId, text, options) => api.sendMessage(chatId, text, asBulk(options as SendOptions)),
          deps.clock(),
        ),
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
