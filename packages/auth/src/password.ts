import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hash, verify } from "@node-rs/argon2";
import { ValidationError } from "@zhengyun/core";

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** How many of: lowercase, uppercase, digits, other characters. */
  minClasses: number;
  refuseCommon: boolean;
}

export const defaultPasswordPolicy: PasswordPolicy = {
  minLength: 8,
  maxLength: 128,
  minClasses: 3,
  refuseCommon: true,
};

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(join(import.meta.dirname, "common-passwords.txt"), "utf8")
      .split("\n")
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l && !l.startsWith("#")),
  );
  return common;
}

export function passwordProblems(password: string, policy: PasswordPolicy): string[] {
  const out: string[] = [];
  const length = [...password].length;
  if (length < policy.minLength) out.push(`must be at least ${policy.minLength} characters`);
  if (length > policy.maxLength) out.push(`must be at most ${policy.maxLength} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) =>
    re.test(password),
  ).length;
  if (classes < policy.minClasses) {
    out.push(`must mix ${policy.minClasses} of: lowercase, uppercase, digits, symbols`);
  }
  if (policy.refuseCommon && commonPasswords().has(password.toLowerCase())) {
    out.push("is too common");
  }
  return out;
}

export function assertPasswordPolicy(password: string, policy: PasswordPolicy): void {
  const problems = passwordProblems(password, policy);
  if (problems.length > 0) {
    throw new ValidationError(
      `Password ${problems.join("; ")}`,
      problems.map((message) => ({ path: "password", message })),
    );
  }
}

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: the OWASP baseline). */
export const hashPassword = (password: string): Promise<string> => hash(password);

export const verifyPassword = (stored: string, password: string): Promise<boolean> =>
  verify(stored, password).catch(() => false);

let dummy: Promise<string> | undefined;
/** A hash to verify against when the user is unknown, so both paths cost the same. */
export const dummyHash = (): Promise<string> => {
  dummy ??= hash("zhengyun-dummy-password-for-timing");
  return dummy;
};

/** An initial password that satisfies the default policy (for accounts created from the CLI). */
export function generatePassword(): string {
  // base64url of 15 random bytes is 20 characters; the fixed tail guarantees all four classes.
  return `${randomBytes(15).toString("base64url")}-a7K`;
}
