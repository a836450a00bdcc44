import type { Api } from "grammy";
import type { BotDeps } from "../../bot/context.js";
import { notifyPeople } from "../../bot/notify.js";
import type { Course } from "../../generated/prisma/client.js";
import { localized } from "../../i18n.js";
import { myCoursesData } from "./keyboards.js";
import type { Promotion } from "../appointments/waiting-list.js";

/** Tells people who moved up from the waiting list, at once and in their language. */
export async function announcePromotions(
  api: Api,
  deps: BotDeps,
  promotions: readonly Promotion[],
  course: Course,
): Promise<void> {
  await notifyPeople(
    api,
    deps.logger,
    promotions.map((promotion) => promotion.recipient),
    (t, language) => ({
      text: t("courses.promoted", { title: localized(course, "title", language) }),
      reply_markup: {
        inline_keyboard: [[{ text: t("courses.my_courses_button"), callback_data: myCoursesData.pack("list", 0) }]],
      },
    }),
  );
}
