import { z } from "@hono/zod-openapi";

export const tenantParams = z.object({
  tenant: z.string().openapi({ param: { name: "tenant", in: "path" }, example: "dongcheng" }),
});

// Types only, no formats: a malformed login is a failed sign-in (401), not a 400 that tells
// an attacker which inputs are worth trying.
const login = z.string().max(320).openapi({ example: "ops@zhengyun.example" });
const password = z.string().max(1024);

export const signInBody = z
  .object({
    /** Email or mobile number; `email` is accepted as its alias. */
    login: login.optional(),
    email: login.optional(),
    password,
    /** On a tenant's URL: sign in as its staff (default) or as a citizen. */
    kind: z.enum(["staff", "citizen"]).default("staff"),
  })
  .refine((b) => (b.login ?? b.email) !== undefined, { message: "login is required" })
  .openapi("SignIn");
export type SignInBody = z.infer<typeof signInBody>;

export const sessionTimes = z.object({
  idleExpiresAt: z.string().openapi({ format: "date-time" }),
  absoluteExpiresAt: z.string().openapi({ format: "date-time" }),
});

export const signInResponse = z
  .discriminatedUnion("state", [
    z.object({
      state: z.literal("signed_in"),
      session: sessionTimes,
      /** Shown once, when this sign-in confirmed a new second factor. */
      recoveryCodes: z.array(z.string()).optional(),
    }),
    z.object({ state: z.literal("totp_required"), pendingToken: z.string() }),
    z.object({
      state: z.literal("totp_enrollment_required"),
      pendingToken: z.string(),
      enrollment: z.object({ otpauthUri: z.string(), secret: z.string() }),
    }),
  ])
  .openapi("SignInResult");
export type SignInResponse = z.infer<typeof signInResponse>;

export const totpBody = z
  .object({
    pendingToken: z.string().max(128),
    /** A 6-digit TOTP code, or a recovery code. */
    code: z.string().max(32),
  })
  .openapi("SecondFactor");

export const passwordBody = z
  .object({ currentPassword: password, newPassword: password })
  .openapi("ChangePassword");

export const meSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["staff", "citizen"]),
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    /** The tenant signed in to (slug); null for vendor staff. */
    tenant: z.string().nullable(),
    roles: z.array(z.string()),
  })
  .openapi("Me");
export type MeResponse = z.infer<typeof meSchema>;

export const registerBody = z
  .object({
    login: login.optional(),
    email: login.optional(),
    password,
    displayName: z.string().trim().min(1).max(100).optional(),
  })
  .refine((b) => (b.login ?? b.email) !== undefined, { message: "login is required" })
  .openapi("RegisterCitizen");

export const registerResponse = z
  .object({
    userId: z.string(),
    /** False when this identity was already registered in this tenant. */
    joined: z.boolean(),
  })
  .openapi("CitizenRegistration");
