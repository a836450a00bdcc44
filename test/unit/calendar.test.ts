import { describe, expect, it } from "vitest";
import { courseCalendar } from "../../src/features/courses/calendar.js";
import type { CourseSession } from "../../src/generated/prisma/client.js";

const course = { id: 7, title: "Deutsch A1", description: "Alltag", place: "Marktring 8" };
const NOW = new Date("2026-11-25T10:00:00Z");

function session(overrides: Partial<CourseSession>): CourseSession {
  return {
    id: 1,
    courseId: 7,
    startsAt: new Date("2026-12-01T08:00:00Z"),
    endsAt: new Date("2026-12-01T11:00:00Z"),
    cancelledAt: null,
    attendanceTakenAt: null,
    sequence: 0,
    ...overrides,
  };
}

/** The VEVENT blocks of an .ics file as lists of lines. */
function events(ics: string): string[][] {
  return ics
    .split("BEGIN:VEVENT\r\n")
    .slice(1)
    .map((block) => block.split("END:VEVENT")[0]?.split("\r\n").filter(Boolean) ?? []);
}

describe("course calendar", () => {
  it("keeps the UID of a moved session, with a higher SEQUENCE and the new time", () => {
    const before = events(courseCalendar(course, [session({})], NOW))[0];
    const after = events(
      courseCalendar(
        course,
        [
          session({
            startsAt: new Date("2026-12-02T13:00:00Z"),
            endsAt: new Date("2026-12-02T16:00:00Z"),
            sequence: 1,
          }),
        ],
        NOW,
      ),
    )[0];
    expect(before).toContain("UID:belm-course-7-session-1@belm-integration-bot");
    expect(before).toContain("SEQUENCE:0");
    expect(before).toContain("DTSTART:20261201T080000Z");
    expect(after).toContain("UID:belm-course-7-session-1@belm-integration-bot");
    expect(after).toContain("SEQUENCE:1");
    expect(after).toContain("DTSTART:20261202T130000Z");
    expect(after).toContain("DTEND:20261202T160000Z");
    expect(after?.some((line) => line.startsWith("STATUS:"))).toBe(false);
  });

  it("keeps a cancelled session with the same UID, a higher SEQUENCE and STATUS:CANCELLED", () => {
    const ics = courseCalendar(
      course,
      [
        session({ cancelledAt: NOW, sequence: 2 }),
        session({ id: 2, startsAt: new Date("2026-12-08T08:00:00Z"), endsAt: new Date("2026-12-08T11:00:00Z") }),
      ],
      NOW,
    );
    const [cancelled, planned] = events(ics);
    expect(cancelled).toEqual(
      expect.arrayContaining(["UID:belm-course-7-session-1@belm-integration-bot", "SEQUENCE:2", "STATUS:CANCELLED"]),
    );
    expect(planned).toEqual(expect.arrayContaining(["UID:belm-course-7-session-2@belm-integration-bot", "SEQUENCE:0"]));
    expect(planned).not.toContain("STATUS:CANCELLED");
  });
});
