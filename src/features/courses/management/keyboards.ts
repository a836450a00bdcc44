import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../../bot/callback-data.js";
import type { Course, CourseSession } from "../../../generated/prisma/client.js";
import { formatDateTime, localized, type Language, type Translate } from "../../../i18n.js";
import { EDITABLE_FIELDS } from "../../appointments/fields.js";
import { editFieldsKeyboard, yesNoKeyboard } from "../../appointments/keyboards.js";
import { attendanceData, outcomeListData } from "../../attendance/keyboards.js";

const id = z.coerce.number().int().positive();
const MANAGE_ACTIONS = [
  "list",
  "course",
  "people",
  "remove",
  "remove_yes",
  "sessions",
  "cancel_session",
  "cancel_session_yes",
  "move_session",
  "edit",
  "close",
  "close_yes",
  "new",
  "close_now",
  "close_now_yes",
  "instructor",
] as const;
export type ManageAction = (typeof MANAGE_ACTIONS)[number];
export const manageData = defineCallbackData("mng", z.tuple([z.enum(MANAGE_ACTIONS), z.coerce.number().int().min(0)]));
export const editFieldData = defineCallbackData("mng_edit", z.tuple([z.enum(EDITABLE_FIELDS), id]));

/** The most courses, people or sessions listed as buttons on one screen. */
export const MAX_LISTED = 40;

export function courseListKeyboard(
  t: Translate,
  language: Language,
  courses: readonly Course[],
  canCreate: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const course of courses.slice(0, MAX_LISTED)) {
    const status = course.status === "closed" ? t("manage.closed_mark") : "";
    keyboard.text(`${localized(course, "title", language)}${status}`, manageData.pack("course", course.id)).row();
  }
  if (canCreate) keyboard.text(t("manage.new_course"), manageData.pack("new", 0));
  return keyboard;
}

/** The actions on one course; managers get the ones that change it. */
export function courseKeyboard(
  t: Translate,
  course: Course,
  staff: { manager: boolean; lastDayPassed: boolean },
): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("manage.people_button"), manageData.pack("people", course.id))
    .row()
    .text(t("manage.sessions_button"), manageData.pack("sessions", course.id))
    .row()
    .text(t("attendance.manage_button"), attendanceData.pack("sessions", course.id, 0))
    .row();
  if (staff.manager) {
    keyboard.text(t("manage.edit_button"), manageData.pack("edit", course.id)).row();
    keyboard.text(t("manage.instructor_button"), manageData.pack("instructor", course.id)).row();
    // Same condition as the nightly closing: the course's last day has passed.
    if (staff.lastDayPassed) keyboard.text(t("manage.close_now_button"), manageData.pack("close_now", course.id)).row();
    if (course.status === "open") keyboard.text(t("manage.close_button"), manageData.pack("close", course.id)).row();
  }
  return keyboard.text(t("manage.back_to_courses"), manageData.pack("list", 0));
}

export function removeButtonsKeyboard(
  t: Translate,
  people: readonly { id: number; fullName: string | null }[],
  courseId: number,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const enrollment of people.slice(0, MAX_LISTED)) {
    keyboard
      .text(
        t("manage.remove_button", { name: enrollment.fullName ?? t("manage.no_name") }),
        manageData.pack("remove", enrollment.id),
      )
      .row();
  }
  return keyboard.text(t("manage.back_to_course"), manageData.pack("course", courseId));
}

export function sessionsKeyboard(
  t: Translate,
  language: Language,
  sessions: readonly CourseSession[],
  courseId: number,
  timeZone: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const session of sessions.slice(0, MAX_LISTED)) {
    const when = formatDateTime(session.startsAt, language, timeZone);
    keyboard
      .text(t("manage.cancel_session_button", { when }), manageData.pack("cancel_session", session.id))
      .text(t("manage.move_session_button", { when }), manageData.pack("move_session", session.id))
      .row();
  }
  return keyboard.text(t("manage.back_to_course"), manageData.pack("course", courseId));
}

/** "Yes" does `action` on `target`; "no" leads back, by default to the list of courses. */
export function confirmKeyboard(
  t: Translate,
  action: ManageAction,
  target: number,
  back = manageData.pack("list", 0),
): InlineKeyboard {
  return yesNoKeyboard(
    { yes: t("manage.confirm_yes"), no: t("manage.confirm_no") },
    manageData.pack(action, target),
    back,
  );
}

export function editKeyboard(t: Translate, courseId: number): InlineKeyboard {
  return editFieldsKeyboard(t, (field) => editFieldData.pack(field, courseId), {
    label: t("manage.back_to_course"),
    data: manageData.pack("course", courseId),
  });
}

export function backToCourseKeyboard(
  t: Translate,
  courseId: number,
  label: "manage.back_to_course" | "manage.open_course",
): InlineKeyboard {
  return new InlineKeyboard().text(t(label), manageData.pack("course", courseId));
}

export function outcomesKeyboard(t: Translate, courseId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("attendance.outcomes_button"), outcomeListData.pack(courseId, 0));
}
