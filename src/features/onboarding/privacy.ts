import type { Translate } from "../../i18n.js";

/** Who is responsible for the data and whom people can ask (DSGVO Art. 13 (1) a, b). */
export interface PrivacyContacts {
  controllerName: string;
  controllerAddress: string;
  dpoContact: string;
}

/** Defaults for the municipality's office; a deployment sets its own in the configuration. */
export const DEFAULT_PRIVACY_CONTACTS: PrivacyContacts = {
  controllerName: "Gemeinde Belm, Quartiersmanagement",
  controllerAddress: "Marktring 15, 49191 Belm",
  dpoContact: "Datenschutzbeauftragte der Gemeinde Belm, Marktring 15, 49191 Belm",
};

/** How long a person may leave the bot unused before their data is erased (DSGVO storage limitation). */
export const DEFAULT_RETENTION_MONTHS = 24;

/** The privacy notice (DSGVO Art. 13) in the person's language, with the configured contacts. */
export function privacyNotice(t: Translate, contacts: PrivacyContacts, retentionMonths: number): string {
  return t("privacy.notice", { ...contacts, retentionMonths });
}
