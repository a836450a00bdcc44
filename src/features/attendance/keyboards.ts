import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { pageCount, pagerRow } from "../../bot/pager.js";
import type { AttendanceStatus } from "../../generated/prisma/client.js";
import type { Translate } from "../../i18n.js";
import { ENDED_STATUSES, LEAVING_OUTCOMES, type EndedStatus } from "./service.js";

const id = z.coerce.number().int().positive();
const page = z.coerce.number().int().min(0).max(1000);

/** Screens: today's sessions, the courses, a course's sessions, and opening a session's checklist. */
export const attendanceData = defineCallbackData(
  "att",
  z.tuple([z.enum(["today", "courses", "sessions", "open"]), z.coerce.number().int().min(0), page]),
);
/** Presses on a checklist: the session, then mark a person (by position), turn the page, all present, save, cancel. */
export const checklistData = defineCallbackData(
  "att_ck",
  z.tuple([id, z.enum(["mark", "page", "all", "save", "cancel"]), z.coerce.number().int().min(0).max(9999)]),
);
export const outcomeListData = defineCallbackData("att_ol", z.tuple([id, page]));
/** A participant's screen, or the status chosen for them (next: the outcome or a confirmation). */
export const outcomeData = defineCallbackData(
  "att_o",
  z.tuple([z.enum(["show", "six_months", ...ENDED_STATUSES]), id]),
);
/** The final press: status and outcome ("none" where the course does not measure placement). */
export const outcomeRecordData = defineCallbackData(
  "att_or",
  z.tuple([id, z.enum(ENDED_STATUSES), z.enum([...LEAVING_OUTCOMES, "none"])]),
);
/** Answers to the six-month question, of a reminder or from a participant's screen. */
export const sixMonthData = defineCallbackData("att_6m", z.tuple([id, z.enum([...LEAVING_OUTCOMES, "unknown"])]));

export const CHECKLIST_PAGE_SIZE = 10;
export const LIST_PAGE_SIZE = 8;

/** The lists of this feature page like the course catalogue. */
export function pagerLabels(t: Translate): { prev: string; next: string } {
  return { prev: t("courses.page_prev"), next: t("courses.page_next") };
}

export function markSymbol(t: Translate, mark: AttendanceStatus | null): string {
  return t(`attendance.mark.${mark ?? "none"}`);
}

/** One page of the checklist: a button per person with their mark, paging, all present, save, cancel. */
export function checklistKeyboard(
  t: Translate,
  sessionId: number,
  people: readonly { name: string; mark: AttendanceStatus | null }[],
  current: number,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const first = current * CHECKLIST_PAGE_SIZE;
  people.slice(first, first + CHECKLIST_PAGE_SIZE).forEach((person, offset) => {
    keyboard
      .text(
        t("attendance.checklist.person", { mark: markSymbol(t, person.mark), name: person.name }),
        checklistData.pack(sessionId, "mark", first + offset),
      )
      .row();
  });
  const hasNext = current + 1 < pageCount(people.length, CHECKLIST_PAGE_SIZE);
  pagerRow(keyboard, pagerLabels(t), current, hasNext, (target) => checklistData.pack(sessionId, "page", target));
  if (people.length > 0)
    keyboard.text(t("attendance.checklist.all_present"), checklistData.pack(sessionId, "all", 0)).row();
  return keyboard
    .text(t("attendance.checklist.save"), checklistData.pack(sessionId, "save", 0))
    .text(t("attendance.checklist.cancel"), checklistData.pack(sessionId, "cancel", 0));
}

/** After a checklist: back to the course's sessions or to today's. */
export function afterChecklistKeyboard(t: Translate, courseId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("attendance.back_to_sessions"), attendanceData.pack("sessions", courseId, 0))
    .row()
    .text(t("attendance.to_today"), attendanceData.pack("today", 0, 0));
}

/** The choice of how someone left a course that measures placement. */
export function leavingOutcomeKeyboard(t: Translate, enrollmentId: number, status: EndedStatus): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const outcome of LEAVING_OUTCOMES)
    keyboard.text(t(`attendance.outcome.${outcome}`), outcomeRecordData.pack(enrollmentId, status, outcome)).row();
  return keyboard.text(t("attendance.back"), outcomeData.pack("show", enrollmentId));
}

function sixMonthAnswers(t: Translate, enrollmentId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const outcome of LEAVING_OUTCOMES)
    keyboard.text(t(`attendance.outcome.${outcome}`), sixMonthData.pack(enrollmentId, outcome)).row();
  return keyboard;
}

/** The six-month answers asked from the outcomes screen: no "don't know", a way back instead. */
export function sixMonthEntryKeyboard(t: Translate, enrollmentId: number): InlineKeyboard {
  return sixMonthAnswers(t, enrollmentId).text(t("attendance.back"), outcomeData.pack("show", enrollmentId));
}

export function sixMonthKeyboard(t: Translate, enrollmentId: number): InlineKeyboard {
  return sixMonthAnswers(t, enrollmentId).text(
    t("attendance.six_months.unknown_button"),
    sixMonthData.pack(enrollmentId, "unknown"),
  );
}

export function missingAttendanceKeyboard(t: Translate, courseId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("attendance.missing.attendance_button"), attendanceData.pack("sessions", courseId, 0))
    .row()
    .text(t("attendance.missing.outcomes_button"), outcomeListData.pack(courseId, 0));
}

/** The way into a course's outcomes list, labelled as on the course's screen. */
export function outcomesKeyboard(t: Translate, courseId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("attendance.outcomes_button"), outcomeListData.pack(courseId, 0));
}
