/** The fields of a course or an event that managers change one at a time. */
export const EDITABLE_FIELDS = ["titleDe", "titleRu", "descriptionDe", "descriptionRu", "place", "capacity"] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
