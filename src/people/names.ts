/**
 * How people are named on screens. A person's Telegram names are kept only after consent
 * (`Person.firstName`, `lastName`, `username`); a participant gives the name for a course at
 * sign-up (`Enrollment.fullName`). Erasure clears both.
 */

export interface PersonNames {
  id: number;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
}

/** First and last name as Telegram gave them; empty when none is kept. */
export function telegramName(person: Pick<PersonNames, "firstName" | "lastName">): string {
  return [person.firstName, person.lastName].filter(Boolean).join(" ");
}

/** The name the office sees: first and last name, else the username, else the id. */
export function nameOf(person: PersonNames): string {
  return telegramName(person) || (person.username ? `@${person.username}` : `#${person.id}`);
}

/** The name a participant gave at sign-up, else `noName` (the text for an erased or missing name). */
export function participantName(enrollment: { fullName: string | null }, noName: string): string {
  return enrollment.fullName ?? noName;
}
