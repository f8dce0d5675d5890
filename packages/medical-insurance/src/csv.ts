/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF. Returns header-keyed records. */
export function parseCsv(text: string): { line: number; record: Record<string, string> }[] {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      lines.push(rowLine);
      row = [];
      field = "";
      rowLine = ++line;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
    lines.push(rowLine);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  const keys = header.map((h) => h.trim().replace(/^\uFEFF/, ""));
  const out: { line: number; record: Record<string, string> }[] = [];
  body.forEach((r, i) => {
    if (r.length === 1 && r[0]?.trim() === "") return;
    out.push({
      line: lines[i + 1] ?? 0,
      record: Object.fromEntries(keys.map((k, j) => [k, (r[j] ?? "").trim()])),
    });
  });
  return out;
}

export interface RowError {
  /** 1-based line in the uploaded file. */
  line: number;
  ref?: string;
  errors: { path: string; message: string }[];
}

/** A thrown error as row-level issues (ValidationError keeps its field paths). */
export function rowIssues(e: unknown): { path: string; message: string }[] {
  const err = e as { issues?: { path: string; message: string }[]; message?: string };
  if (err.issues && err.issues.length > 0) return err.issues;
  return [{ path: "", message: err.message ?? String(e) }];
}
