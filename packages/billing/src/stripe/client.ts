import Stripe from "stripe";

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Another API origin (a local fake in tests); Stripe's own when absent. */
  apiBase?: string;
}

/** Seconds a webhook signature stays acceptable (Stripe's recommended default). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Stripe is optional: without a secret key, invoices are issued and paid by bank transfer only. */
export function stripeSettingsFrom(config: {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_WEBHOOK_SECRET?: string | undefined;
  STRIPE_API_BASE?: string | undefined;
}): StripeSettings | undefined {
  if (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET) return undefined;
  return {
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    ...(config.STRIPE_API_BASE ? { apiBase: config.STRIPE_API_BASE } : {}),
  };
}

export function stripeClient(s: StripeSettings): Stripe {
  const base = s.apiBase ? new URL(s.apiBase) : undefined;
  return new Stripe(s.secretKey, {
    // Retries reuse our idempotency keys, so they can never bill twice.
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? 443 : 80),
          protocol: base.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
}
