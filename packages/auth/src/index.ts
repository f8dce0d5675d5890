export { changePassword, disableUser, enableUser, setPassword } from "./accounts.ts";
export {
  type ApiKeyView,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
} from "./api-keys.ts";
export {
  authenticateRequest,
  principalFromApiKey,
  principalFromSession,
  type RequestCredentials,
} from "./authenticate.ts";
export { authorize, type GrantView, type Principal, type TenantArg } from "./authorize.ts";
export { registerCitizen } from "./citizens.ts";
export { authOptionsFrom } from "./config-options.ts";
export * from "./context.ts";
export * from "./cookies.ts";
export { invalidCredentials } from "./errors.ts";
export { normalizeLogin } from "./input.ts";
export { listStaff, listSupportGrants, type StaffAccount } from "./listings.ts";
export { pruneIdentity } from "./maintenance.ts";
export {
  assertPasswordPolicy,
  defaultPasswordPolicy,
  generatePassword,
  hashPassword,
  type PasswordPolicy,
  passwordProblems,
  verifyPassword,
} from "./password.ts";
export * from "./permissions.ts";
export { createRateLimiter, type RateLimiter } from "./rate-limit.ts";
export { type SessionManager, sessionManager, type ValidSession } from "./sessions.ts";
export { type SignInResult, signIn, signOut, verifyTotp } from "./sign-in.ts";
export {
  activeGrants,
  approveSupportAccess,
  MAX_SUPPORT_MINUTES,
  rejectSupportAccess,
  requestSupportAccess,
  revokeSupportAccess,
} from "./support.ts";
export { confirmTotp, enrollTotp, RECOVERY_CODE_COUNT, resetTotp, totpCode } from "./totp.ts";
export { assignRole, createUser, revokeRole } from "./users.ts";
