import type { Role } from "../generated/prisma/client.js";

/** Who acts, as services see it: a person id and the roles they hold. */
export interface Actor {
  id: number;
  roles: readonly Role[];
}

/** Raised when a person tries something their roles do not allow. */
export class ForbiddenError extends Error {
  constructor(readonly needed: readonly Role[]) {
    super(`needs one of the roles: ${needed.join(", ")}`);
    this.name = "ForbiddenError";
  }
}

export function hasRole(person: Pick<Actor, "roles">, ...roles: Role[]): boolean {
  return roles.some((role) => person.roles.includes(role));
}

/** Services call this before acting for someone, whatever buttons that person was shown. */
export function assertRole(person: Pick<Actor, "roles">, ...roles: Role[]): void {
  if (!hasRole(person, ...roles)) throw new ForbiddenError(roles);
}
