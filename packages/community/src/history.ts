import type { Lang } from "@zhengyun/web";
import { type CsKey, csT } from "./pages/i18n.ts";
import type { NoteParams, UpdateRow } from "./schema.ts";

/*
 * History notes the system writes are stored as a message key and its parameters and rendered in
 * the reader's language; `note` keeps the zh-CN text (the default language) for readers without
 * the catalog. Notes people write (staff, Open311 clients) are shown as written.
 */

export type HistoryKey = Extract<CsKey, `history.${string}`>;
export interface HistoryMessage {
  key: HistoryKey;
  params: NoteParams;
}

const isHistoryKey = (k: string): k is HistoryKey => k.startsWith("history.");

/** The message in a language (zh-CN when none is asked). */
export const historyText = (m: HistoryMessage, lang: Lang = "zh-CN"): string =>
  csT(lang)(m.key, m.params);

/** An update's note for a reader: the system's message in their language, or the person's words. */
export function noteText(
  u: Pick<UpdateRow, "note" | "noteKey" | "noteParams">,
  lang: Lang,
): string {
  if (!u.noteKey || !isHistoryKey(u.noteKey)) return u.note;
  return historyText({ key: u.noteKey, params: u.noteParams }, lang);
}
