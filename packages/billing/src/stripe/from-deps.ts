import type { AppDeps } from "@zhengyun/http";
import type Stripe from "stripe";
import { type StripeSettings, stripeClient, stripeSettingsFrom } from "./client.ts";

const clients = new WeakMap<object, { settings: StripeSettings; client: Stripe }>();

/** The app's Stripe client and settings, made once per config; undefined when Stripe is off. */
export function stripeOf(deps: Pick<AppDeps, "config">) {
  const hit = clients.get(deps.config);
  if (hit) return hit;
  const settings = stripeSettingsFrom(deps.config);
  if (!settings) return undefined;
  const made = { settings, client: stripeClient(settings) };
  clients.set(deps.config, made);
  return made;
}
