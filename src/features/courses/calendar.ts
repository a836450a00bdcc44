import { calendarFile } from "../../calendar.js";
import type { CourseSession } from "../../generated/prisma/client.js";

export interface CalendarCourse {
  id: number;
  title: string;
  description: string;
  place: string;
}

/** The course's sessions as an .ics file that calendar apps import; a cancelled or moved session keeps its UID. */
export function courseCalendar(course: CalendarCourse, sessions: readonly CourseSession[], now: Date): string {
  const entries = sessions.map((session) => ({
    uid: `belm-course-${course.id}-session-${session.id}`,
    title: course.title,
    description: course.description,
    place: course.place,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    sequence: session.sequence,
    cancelled: session.cancelledAt !== null,
  }));
  return calendarFile(entries, now);
}
