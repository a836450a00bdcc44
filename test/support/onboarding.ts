import type { TelegramUser } from "./user.js";

/** /start, continue in the offered language, agree to the privacy text; the menu follows. */
export async function consent(user: TelegramUser): Promise<void> {
  user.send("/start");
  await user.nextReply();
  user.tap(/^(Weiter|Далее)/);
  await user.replies(2);
  user.tap(/^✅/);
  await user.replies(3);
}
