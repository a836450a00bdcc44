import type { CourseInput } from "../../src/features/courses/service.js";

/** The office itself acting, for fixtures: services accept managers only for these calls. */
export const OFFICE = { id: 0, roles: ["manager" as const] };

/** A German course on Tuesday mornings from December 2026; override what a test is about. */
export function courseInput(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    titleDe: "Deutsch A1 – Alltag",
    titleRu: "Немецкий A1 — быт",
    descriptionDe: "Deutsch für den Alltag in Belm.",
    descriptionRu: "Немецкий для повседневной жизни в Бельме.",
    category: "language",
    capacity: 3,
    attendanceThreshold: 0.75,
    place: "Integrationswerkstatt, Marktring 8",
    instructorId: null,
    firstDay: { year: 2026, month: 12, day: 1 },
    lastDay: { year: 2027, month: 1, day: 31 },
    weekly: [{ weekday: 2, from: "09:00", to: "12:00" }],
    ...overrides,
  };
}
