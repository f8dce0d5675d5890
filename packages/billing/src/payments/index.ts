export * from "./balance.ts";
export { REMINDERS_JOB, startReminderJob } from "./job.ts";
export { billingPayApiModule } from "./module.ts";
export {
  daysOverdue,
  queueOverdueReminders,
  REMINDER_STAGES,
  type ReminderSent,
} from "./reminders.ts";
export { balanceRoute, bankTransferRoute, stripeWebhookRoute } from "./routes.ts";
export { type BankTransferInput, bankTransferInput, recordBankTransfer } from "./transfer.ts";
