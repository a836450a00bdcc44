import { describe, expect, it } from "vitest";
import { nameOf, participantName, telegramName } from "../../src/people/names.js";

describe("names", () => {
  it("names a person by first and last name, else the username, else the id", () => {
    expect(nameOf({ id: 7, firstName: "Anna", lastName: "Schmidt", username: "anna" })).toBe("Anna Schmidt");
    expect(nameOf({ id: 7, firstName: "Anna", lastName: null, username: "anna" })).toBe("Anna");
    expect(nameOf({ id: 7, firstName: null, lastName: null, username: "anna" })).toBe("@anna");
    expect(nameOf({ id: 7, firstName: null, lastName: null, username: null })).toBe("#7");
  });

  it("joins only the Telegram names that are kept", () => {
    expect(telegramName({ firstName: "Ирина", lastName: null })).toBe("Ирина");
    expect(telegramName({ firstName: null, lastName: null })).toBe("");
  });

  it("names a participant by the name given at sign-up, else the text for no name", () => {
    expect(participantName({ fullName: "Olena Koval" }, "(no name)")).toBe("Olena Koval");
    expect(participantName({ fullName: null }, "(no name)")).toBe("(no name)");
  });
});
