export * from "./client.ts";
export { type PushResult, pushInvoiceToStripe } from "./push.ts";
export {
  applyStripeEvent,
  HANDLED_EVENTS,
  verifyStripeEvent,
  type WebhookOutcome,
} from "./webhook.ts";
