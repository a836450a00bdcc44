/**
 * What Telegram's error answers mean, read from their `error_code` (grammY's GrammyError carries
 * it), so that code without grammY, such as the jobs, can tell them apart too.
 */

/** Telegram's 403: the person blocked the bot or deleted their account. Not a fault of ours. */
export function isBlocked(error: unknown): boolean {
  return typeof error === "object" && error !== null && "error_code" in error && error.error_code === 403;
}
