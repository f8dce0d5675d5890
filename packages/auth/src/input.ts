import { ValidationError } from "@zhengyun/core";
import { z } from "zod";

export const loginSchema = z.union([
  z.email().transform((e) => ({ email: e.toLowerCase() })),
  z
    .string()
    .regex(/^\+?[0-9]{6,20}$/)
    .transform((phone) => ({ phone })),
]);

/** Email (lowercased) or phone: the one name a person signs in with. */
export function normalizeLogin(login: string): { email: string } | { phone: string } | undefined {
  const r = loginSchema.safeParse(typeof login === "string" ? login.trim() : login);
  return r.success ? r.data : undefined;
}

export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new ValidationError(`Invalid input: ${issues.map((i) => i.path).join(", ")}`, issues);
}
