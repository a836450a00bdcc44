import { createConversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import { waitForButton, type BotConversation } from "../../bot/conversation-helpers.js";
import { loadActor } from "../../bot/wizard.js";
import type { AttendanceStatus } from "../../generated/prisma/client.js";
import { formatDateTime, localized, translator, type Language, type Translate } from "../../i18n.js";
import { ForbiddenError, hasRole } from "../../people/roles.js";
import { pageCount } from "../../bot/pager.js";
import {
  CHECKLIST_PAGE_SIZE,
  afterChecklistKeyboard,
  attendanceData,
  checklistData,
  checklistKeyboard,
} from "./keyboards.js";
import { lockedFrom, openChecklist, saveAttendance, sessionTime, type Refusal } from "./service.js";

export const ATTENDANCE_CHECKLIST = "attendance-checklist";

/** Tapping a name: not marked → present → absent → excused → present … */
const NEXT_MARK: Record<AttendanceStatus | "none", AttendanceStatus> = {
  none: "present",
  present: "absent",
  absent: "excused",
  excused: "present",
};

/** What the checklist shows, read once through `conversation.external` (so only plain values). */
interface Sheet {
  courseId: number;
  /** Not "title": conversation storage drops fields of that name (a chat's title is personal). */
  courseTitle: string;
  when: string;
  /** "Saved on …; changes until …" lines, already in the person's language. */
  notes: string[];
  people: { enrollmentId: number; name: string; mark: AttendanceStatus | null }[];
}

/** "forbidden" as a value: an error thrown in a conversation reaches the error handler wrapped, no longer a ForbiddenError. */
type Refused = Refusal | "forbidden";

type Loaded =
  | { language: Language; sheet: Sheet }
  | { language: Language; refusal: Refused; courseId: number | undefined; when: string };

/**
 * The attendance checklist of one session: ONE message, edited in place at every press. The
 * marks in progress live in the conversation's state (stored in the database), so a restart
 * resumes the list as it was; nothing is written before "save". /cancel or "cancel" drop it.
 */
export function attendanceChecklistConversation(deps: BotDeps) {
  async function attendanceChecklist(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    sessionId: number,
  ): Promise<void> {
    const loaded = await conversation.external(() => loadSheet(deps, personId, sessionId));
    const t = translator(loaded.language);
    if ("refusal" in loaded) {
      await ctx.editMessageText(refusalText(t, loaded.refusal, loaded.when), {
        reply_markup: backKeyboard(t, loaded.courseId),
      });
      return;
    }
    const { sheet } = loaded;
    const marks = sheet.people.map((person) => person.mark);
    let page = 0;
    const render = (target: ConversationContext) =>
      target.editMessageText(checklistText(t, sheet, marks, page), {
        reply_markup: checklistKeyboard(
          t,
          sessionId,
          sheet.people.map((person, index) => ({ name: person.name, mark: marks[index] ?? null })),
          page,
        ),
      });
    await render(ctx);

    for (;;) {
      const { ctx: press, values } = await waitForButton(
        conversation,
        checklistData,
        t,
        ([session]) => session === sessionId,
      );
      const [, action, position] = values;
      switch (action) {
        case "mark": {
          if (position >= marks.length) continue;
          marks[position] = NEXT_MARK[marks[position] ?? "none"];
          page = Math.floor(position / CHECKLIST_PAGE_SIZE);
          break;
        }
        case "page":
          if (position >= pageCount(marks.length, CHECKLIST_PAGE_SIZE) || position === page) continue;
          page = position;
          break;
        case "all":
          if (marks.every((mark) => mark === "present")) continue;
          marks.fill("present");
          break;
        case "cancel":
          await press.editMessageText(
            t("attendance.checklist.cancelled", { title: sheet.courseTitle, when: sheet.when }),
            { reply_markup: afterChecklistKeyboard(t, sheet.courseId) },
          );
          return;
        case "save": {
          const result = await conversation.external(async () => {
            const entries = sheet.people.map((person, index) => ({
              enrollmentId: person.enrollmentId,
              status: marks[index] ?? "absent",
            }));
            const actor = await loadActor(deps.db, personId);
            const saved = await refusingForbidden(() =>
              saveAttendance(deps.db, actor, sessionId, entries, deps.clock(), deps.timeZone),
            );
            if (saved === "forbidden") return saved;
            return saved.outcome === "saved" ? saved.counts : saved.outcome;
          });
          const text =
            typeof result === "string"
              ? refusalText(t, result, sheet.when)
              : t("attendance.checklist.saved", { title: sheet.courseTitle, when: sheet.when, ...result });
          await press.editMessageText(text, { reply_markup: afterChecklistKeyboard(t, sheet.courseId) });
          return;
        }
      }
      await render(press);
    }
  }
  return createConversation<BotContext, ConversationContext>(attendanceChecklist, ATTENDANCE_CHECKLIST);
}

async function loadSheet(deps: BotDeps, personId: number, sessionId: number): Promise<Loaded> {
  const actor = await loadActor(deps.db, personId);
  const { language } = actor;
  const t = translator(language);
  const now = deps.clock();
  const opened = await refusingForbidden(() => openChecklist(deps.db, actor, sessionId, now, deps.timeZone));
  if (opened === "forbidden" || opened.outcome !== "ok") {
    const session = await sessionTime(deps.db, sessionId);
    const refusal = opened === "forbidden" ? opened : opened.outcome;
    const courseId = opened === "forbidden" ? undefined : session?.courseId;
    return {
      language,
      refusal,
      courseId,
      when: session ? formatDateTime(session.startsAt, language, deps.timeZone) : "",
    };
  }
  const { session, course } = opened;
  const notes: string[] = [];
  if (session.attendanceTakenAt)
    notes.push(
      t("attendance.checklist.saved_before", {
        when: formatDateTime(session.attendanceTakenAt, language, deps.timeZone),
      }),
    );
  if (!hasRole(actor, "manager"))
    notes.push(
      t("attendance.checklist.editable_until", { until: formatDateTime(lockedFrom(session), language, deps.timeZone) }),
    );
  return {
    language,
    sheet: {
      courseId: course.id,
      courseTitle: localized(course, "title", language),
      when: formatDateTime(session.startsAt, language, deps.timeZone),
      notes,
      people: opened.people.map((person) => ({
        enrollmentId: person.enrollmentId,
        name: person.name ?? t("manage.no_name"),
        mark: person.mark,
      })),
    },
  };
}

function checklistText(t: Translate, sheet: Sheet, marks: readonly (AttendanceStatus | null)[], page: number): string {
  const count = (mark: AttendanceStatus | null) => marks.filter((candidate) => candidate === mark).length;
  const pages = pageCount(marks.length, CHECKLIST_PAGE_SIZE);
  const lines = [
    t("attendance.checklist.title", { title: sheet.courseTitle, when: sheet.when }),
    ...sheet.notes,
    "",
    marks.length === 0
      ? t("attendance.checklist.nobody")
      : t("attendance.checklist.counts", {
          present: count("present"),
          absent: count("absent"),
          excused: count("excused"),
          open: count(null),
        }),
  ];
  if (pages > 1) lines.push(t("attendance.page", { page: page + 1, pages }));
  if (marks.length > 0) lines.push("", t("attendance.checklist.help"));
  return lines.join("\n");
}

async function refusingForbidden<T>(run: () => Promise<T>): Promise<T | "forbidden"> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ForbiddenError) return "forbidden";
    throw error;
  }
}

function refusalText(t: Translate, refusal: Refused, when: string): string {
  return refusal === "forbidden" ? t("errors.forbidden") : t(`attendance.refused.${refusal}`, { when });
}

function backKeyboard(t: Translate, courseId: number | undefined): InlineKeyboard {
  return courseId === undefined
    ? new InlineKeyboard().text(t("attendance.to_today"), attendanceData.pack("today", 0, 0))
    : afterChecklistKeyboard(t, courseId);
}
