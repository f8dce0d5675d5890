import type { App } from "@zhengyun/http";
import type { Identity } from "../../auth/identity.ts";
import { registerCitizens } from "./citizens.ts";
import { registerSession } from "./session.ts";
import { registerSignIn } from "./sign-in.ts";

/** Sign-in, second factor, sign-out, password, me (vendor and tenant), citizen registration. */
export function registerAuthRoutes(app: App, identity: Identity): void {
  registerSignIn(app, identity);
  registerSession(app, identity);
  registerCitizens(app, identity);
}
