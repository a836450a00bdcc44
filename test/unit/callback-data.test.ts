import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCallbackData } from "../../src/bot/callback-data.js";

const courseAction = defineCallbackData(
  "course",
  z.tuple([z.enum(["show", "edit"]), z.coerce.number().int().positive()]),
);

describe("callback data", () => {
  it("packs and unpacks typed values", () => {
    const data = courseAction.pack("edit", 42);
    expect(data).toBe("course:edit:42");
    expect(courseAction.unpack(data)).toEqual(["edit", 42]);
    expect(courseAction.filter.test(data)).toBe(true);
  });

  it.each([
    "course:delete:42",
    "course:edit:-1",
    "course:edit:abc",
    "course:edit",
    "other:edit:42",
    "course:edit:1:extra",
    "",
  ])("rejects forged or malformed data %j", (data) => {
    expect(courseAction.unpack(data)).toBeUndefined();
  });

  it("refuses data longer than Telegram's 64 bytes", () => {
    const long = defineCallbackData("x", z.tuple([z.string()]));
    expect(() => long.pack("ж".repeat(40))).toThrow(/64 bytes/);
  });
});
