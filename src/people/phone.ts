import { z } from "zod";

/** Optional phone: digits with the usual separators, 6–15 digits in all. */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[\d ()/-]+$/)
  .refine((phone) => {
    const digits = phone.replace(/\D/g, "").length;
    return digits >= 6 && digits <= 15;
  });
