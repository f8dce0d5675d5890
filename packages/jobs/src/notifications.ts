import { newId, ValidationError } from "@zhengyun/core";
import { type Tx, tenantSchema } from "@zhengyun/db";
import { currentScopeTenantId } from "@zhengyun/tenancy";

const { notificationOutbox } = tenantSchema;

export type Channel = "email" | "sms";

export interface NotificationInput {
  channel: Channel;
  recipient: string;
  subject?: string;
  body: string;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?[0-9]{5,20}$/;

/**
 * Queues a message inside the caller's tenant transaction: it is sent only if the business change
 * commits. Returns the notification id.
 */
export async function enqueueNotification(tx: Tx, input: NotificationInput): Promise<string> {
  if (currentScopeTenantId() === undefined) {
    throw new Error("enqueueNotification must run inside withTenant");
  }
  const issues = [];
  if (input.channel !== "email" && input.channel !== "sms")
    issues.push({ path: "channel", message: "channel must be email or sms" });
  const recipient = typeof input.recipient === "string" ? input.recipient.trim() : "";
  const re = input.channel === "sms" ? PHONE_RE : EMAIL_RE;
  if (!re.test(recipient) || recipient.length > 254)
    issues.push({ path: "recipient", message: `not a valid ${input.channel} recipient` });
  if (input.subject !== undefined && input.subject.length > 200)
    issues.push({ path: "subject", message: "subject must be at most 200 characters" });
  if (typeof input.body !== "string" || input.body.trim() === "" || input.body.length > 20_000)
    issues.push({ path: "body", message: "body must be 1 to 20000 characters" });
  if (issues.length > 0) throw new ValidationError("Invalid notification", issues);

  const id = newId("ntf");
  await tx.insert(notificationOutbox).values({
    id,
    channel: input.channel,
    recipient,
    subject: input.subject ?? null,
    body: input.body,
  });
  return id;
}

export interface OutgoingMessage {
  id: string;
  tenantId: string;
  tenantSlug: string;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string;
  createdAt: Date;
  /** 1 on the first attempt. */
  attempt: number;
}

/** An email or SMS gateway. Throws when the message was not accepted; it will be retried. */
export interface NotificationProvider {
  send(msg: OutgoingMessage): Promise<{ providerId: string }>;
}
