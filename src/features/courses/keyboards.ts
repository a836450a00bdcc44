import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { pagerRow } from "../../bot/pager.js";
import { localized, type Language, type Translate } from "../../i18n.js";
import { menuData } from "../../bot/main-menu.js";
import { COURSE_CATEGORIES, GERMAN_LEVELS, type MyCourse } from "./service.js";
import type { CourseCategory } from "../../generated/prisma/client.js";

const id = z.coerce.number().int().positive();
const page = z.coerce.number().int().min(0).max(1000);

export const categoriesData = defineCallbackData("crs_cats", z.tuple([]));
export const courseListData = defineCallbackData("crs_list", z.tuple([z.enum(COURSE_CATEGORIES), page]));
export const courseData = defineCallbackData("crs", z.tuple([z.enum(["show", "register", "calendar"]), id, page]));
export const myCoursesData = defineCallbackData(
  "my_crs",
  z.tuple([z.enum(["list", "withdraw", "withdraw_yes", "withdraw_no", "calendar"]), z.coerce.number().int().min(0)]),
);
export const remindersData = defineCallbackData("crs_rem", z.tuple([z.enum(["on", "off"])]));
export const registrationData = defineCallbackData(
  "reg",
  z.tuple([z.enum(["use_name", "skip_phone", "confirm", "cancel", "edit_name", "edit_phone", "edit_level"])]),
);
export const levelData = defineCallbackData("reg_level", z.tuple([z.enum(GERMAN_LEVELS)]));

export const PAGE_SIZE = 5;

export function categoriesKeyboard(t: Translate, counts: Record<CourseCategory, number>): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const category of COURSE_CATEGORIES) {
    keyboard
      .text(
        t("courses.category_button", { name: t(`courses.category.${category}`), count: counts[category] }),
        courseListData.pack(category, 0),
      )
      .row();
  }
  return keyboard.text(t("menu.back"), menuData.pack("home"));
}

export function courseListKeyboard(
  t: Translate,
  category: CourseCategory,
  currentPage: number,
  pages: number,
  courses: readonly { id: number; label: string }[],
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const course of courses) keyboard.text(course.label, courseData.pack("show", course.id, currentPage)).row();
  const labels = { prev: t("courses.page_prev"), next: t("courses.page_next") };
  pagerRow(keyboard, labels, currentPage, currentPage + 1 < pages, (page) => courseListData.pack(category, page));
  return keyboard.text(t("courses.back_to_categories"), categoriesData.pack());
}

export function courseDetailsKeyboard(
  t: Translate,
  courseId: number,
  category: CourseCategory,
  fromPage: number,
  canRegister: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (canRegister) keyboard.text(t("courses.register"), courseData.pack("register", courseId, fromPage)).row();
  keyboard.text(t("courses.calendar_button"), courseData.pack("calendar", courseId, fromPage)).row();
  return keyboard.text(t("courses.back_to_list"), courseListData.pack(category, fromPage));
}

export function nameKeyboard(t: Translate, telegramName: string | undefined): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (telegramName)
    keyboard.text(t("courses.use_name", { name: telegramName }), registrationData.pack("use_name")).row();
  return keyboard.text(t("courses.cancel_button"), registrationData.pack("cancel"));
}

export function phoneKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("courses.skip_phone"), registrationData.pack("skip_phone"))
    .row()
    .text(t("courses.cancel_button"), registrationData.pack("cancel"));
}

export function levelKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const level of GERMAN_LEVELS) keyboard.text(t(`courses.level.${level}`), levelData.pack(level)).row();
  return keyboard.text(t("courses.cancel_button"), registrationData.pack("cancel"));
}

/** The summary: confirm, correct one answer (the level only where it was asked), or cancel. */
export function confirmRegistrationKeyboard(t: Translate, asksLevel: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("courses.confirm"), registrationData.pack("confirm"))
    .row()
    .text(t("courses.edit_name"), registrationData.pack("edit_name"))
    .text(t("courses.edit_phone"), registrationData.pack("edit_phone"));
  if (asksLevel) keyboard.text(t("courses.edit_level"), registrationData.pack("edit_level"));
  return keyboard.row().text(t("courses.cancel_button"), registrationData.pack("cancel"));
}

export function afterRegistrationKeyboard(t: Translate, courseId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("courses.calendar_button"), courseData.pack("calendar", courseId, 0))
    .row()
    .text(t("courses.my_courses_button"), myCoursesData.pack("list", 0));
}

export function myCoursesKeyboard(
  t: Translate,
  language: Language,
  courses: readonly MyCourse[],
  remindersOn: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const { enrollment, course } of courses) {
    const title = localized(course, "title", language);
    if (enrollment.status === "active")
      keyboard.text(t("courses.calendar_short", { title }), myCoursesData.pack("calendar", enrollment.id)).row();
    keyboard.text(t("courses.withdraw_button", { title }), myCoursesData.pack("withdraw", enrollment.id)).row();
  }
  keyboard
    .text(
      t(remindersOn ? "courses.reminders_on_button" : "courses.reminders_off_button"),
      remindersData.pack(remindersOn ? "off" : "on"),
    )
    .row();
  return keyboard.text(t("courses.browse_button"), categoriesData.pack()).text(t("menu.back"), menuData.pack("home"));
}

/** After leaving a course (or keeping it): onward to my courses, all courses or the menu. */
export function afterWithdrawalKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("courses.my_courses_button"), myCoursesData.pack("list", 0))
    .text(t("courses.browse_button"), categoriesData.pack())
    .row()
    .text(t("menu.back"), menuData.pack("home"));
}

export function withdrawConfirmKeyboard(t: Translate, enrollmentId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("courses.withdraw_yes"), myCoursesData.pack("withdraw_yes", enrollmentId))
    .row()
    .text(t("courses.withdraw_no"), myCoursesData.pack("withdraw_no", enrollmentId));
}
