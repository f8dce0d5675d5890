/** One CSV cell: quoted when needed; a leading =, + or @ is defused so spreadsheets show text. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvRow = (cells: (string | number | null | undefined)[]): string =>
  `${cells.map(csvCell).join(",")}\r\n`;
