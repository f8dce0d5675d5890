/**
 * Identity over HTTP (Node only: @zhengyun/auth hashes with argon2). `createIdentity` makes the
 * authenticator and the request context the /auth routes share; `identityModule` registers them.
 */
import type { ApiModule } from "@zhengyun/http";
import { registerAuthRoutes } from "../routes/auth/index.ts";
import type { Identity } from "./identity.ts";

export { authOptionsFrom } from "@zhengyun/auth";
export { isSelfPermission, SELF_PERMISSIONS } from "./account.ts";
export { clientIp, isSecure } from "./client.ts";
export {
  createIdentity,
  type Identity,
  type IdentityOptions,
} from "./identity.ts";
export { TokenBuckets } from "./rate-limit.ts";

export const identityModule = (identity: Identity): ApiModule => ({
  name: "identity",
  register: (app) => registerAuthRoutes(app, identity),
});
