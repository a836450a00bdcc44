/**
 * Citizen sponsorships (Patenschaften): volunteers sign up and are approved, residents ask for a
 * sponsor, managers match them, the sponsor accepts or declines, and check-ins keep the office
 * in touch. The feature's services, one file per responsibility; other modules import them from here.
 */

export * from "./model.js";
export * from "./ranking.js";
export * from "./sponsors.js";
export * from "./requests.js";
export * from "./matching.js";
export * from "./follow-up.js";
export * from "./erasure.js";
