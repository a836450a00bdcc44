import type { InlineKeyboard } from "grammy";

/** How many pages `items` fill; at least one, so "page 1 of 1" reads right for an empty list. */
export function pageCount(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/** Back and forward buttons where there is a page before or after, then a new row; nothing else on a single page. */
export function pagerRow(
  keyboard: InlineKeyboard,
  labels: { prev: string; next: string },
  page: number,
  hasNext: boolean,
  pack: (page: number) => string,
): InlineKeyboard {
  if (page > 0) keyboard.text(labels.prev, pack(page - 1));
  if (hasNext) keyboard.text(labels.next, pack(page + 1));
  return keyboard.row();
}
