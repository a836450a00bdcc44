import { type z } from "zod";

/**
 * Typed callback data: `prefix:value:value`. Callback data comes from the client and is
 * untrusted, so every press is parsed with the schema before anything acts on it.
 */
export interface CallbackData<Values extends readonly unknown[]> {
  readonly prefix: string;
  /** Matches every press that belongs to this prefix, valid or not. */
  readonly filter: RegExp;
  pack(...values: Values): string;
  unpack(data: string | undefined): Values | undefined;
}

export function defineCallbackData<Schema extends z.ZodTuple>(
  prefix: string,
  schema: Schema,
): CallbackData<z.infer<Schema> & readonly unknown[]> {
  type Values = z.infer<Schema> & readonly unknown[];
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`invalid callback prefix "${prefix}"`);
  return {
    prefix,
    filter: new RegExp(`^${prefix}(?::|$)`),
    pack: (...values: Values) => {
      const data = [prefix, ...values.map(String)].join(":");
      if (Buffer.byteLength(data) > 64) throw new Error(`callback data longer than 64 bytes: ${data}`);
      return data;
    },
    unpack: (data) => {
      if (data === undefined) return undefined;
      const [head, ...rest] = data.split(":");
      if (head !== prefix) return undefined;
      const parsed = schema.safeParse(rest);
      return parsed.success ? parsed.data : undefined;
    },
  };
}
