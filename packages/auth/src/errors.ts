import { DomainError } from "@zhengyun/core";

/**
 * The one answer for every failed sign-in or credential check (unknown user, wrong password,
 * disabled account, bad code, expired or revoked key): nothing in it helps an attacker.
 */
export const invalidCredentials = (): DomainError =>
  new DomainError("unauthenticated", "Invalid credentials");
