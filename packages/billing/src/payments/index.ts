export * from "./balance.ts";
export { REMINDERS_JOB, startReminderJob } from "./job.ts";
export {
  daysOverdue,
  queueOverdueReminders,
  REMINDER_STAGES,
  type ReminderSent,
} from "./reminders.ts";
export { type BankTransferInput, bankTransferInput, recordBankTransfer } from "./transfer.ts";
