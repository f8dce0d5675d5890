import { appendFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { NotificationProvider, OutgoingMessage } from "./notifications.ts";

const shanghai = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  dateStyle: "medium",
  timeStyle: "medium",
});

/** One human-readable block per message. */
export function formatMailboxEntry(msg: OutgoingMessage, at: Date): string {
  return [
    "=".repeat(72),
    `Date:     ${shanghai.format(at)} (Asia/Shanghai)  ${at.toISOString()}`,
    `Channel:  ${msg.channel}`,
    `Tenant:   ${msg.tenantSlug}`,
    `To:       ${msg.recipient}`,
    ...(msg.subject ? [`Subject:  ${msg.subject}`] : []),
    `Id:       ${msg.id}`,
    "",
    msg.body,
    "",
    "",
  ].join("\n");
}

/** Where a tenant's messages land: the configured file, or `<DATA_DIR>/mailbox/<slug>.txt`. */
export function mailboxPath(opts: { dataDir: string; file?: string | undefined }, slug: string) {
  return opts.file ?? join(opts.dataDir, "mailbox", `${slug}.txt`);
}

/**
 * The embedded default's "gateway": appends each message to a local file a person can read, so a
 * demo or a developer sees what citizens and staff would receive.
 */
export function mailboxProvider(opts: {
  dataDir: string;
  file?: string | undefined;
  now?: () => Date;
}): NotificationProvider {
  return {
    async send(msg) {
      const path = mailboxPath(opts, msg.tenantSlug);
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, formatMailboxEntry(msg, opts.now?.() ?? new Date()), "utf8");
      return { providerId: `mailbox:${msg.id}` };
    },
  };
}
