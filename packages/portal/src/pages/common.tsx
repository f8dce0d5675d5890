/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError, NotFoundError } from "@zhengyun/core";
import { type FieldErrors, formatDateTime, href, type PageCtx } from "@zhengyun/web";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { materialDownload } from "../applications.ts";
import {
  MATERIAL_MAX_BYTES,
  MATERIAL_TYPES,
  type MaterialStore,
  quarantineFile,
} from "../materials.ts";
import { type PortalT, portalMessages } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

export const CONSOLE = "/t/{tenant}/console/portal";

/** The path with the page's tenant filled in, and as a link keeping `lang`. */
export const at = (p: PageCtx, path: string) => path.replace("{tenant}", p.tenant?.slug ?? "");
export const link = (p: PageCtx, path: string, params: Record<string, string> = {}) =>
  href(p, at(p, path), params);

/** Redirects to a short-lived link to one of an application's materials (audited by the verb). */
export async function downloadMaterial(p: PageCtx, staff: boolean): Promise<Response> {
  const store = storeOf(p);
  if (!store) throw new NotFoundError("File storage is not configured");
  const d = await materialDownload(
    ctxOf(p),
    store,
    p.c.req.param("id") ?? "",
    Number(p.c.req.param("n")),
    staff,
  );
  return p.c.redirect(d.url, 303);
}

/** The API's presigned-upload route for this tenant (the pages' JavaScript path). */
export const presignUrl = (p: PageCtx) => `/t/${p.tenant?.slug}/api/v1/portal/uploads`;

export const tr = (p: PageCtx): PortalT => portalMessages(p.lang);
export const when = (p: PageCtx, d: Date | string | null | undefined, withTime = true) =>
  d ? formatDateTime(new Date(d), p.lang, withTime) : "—";

/**
 * A verb's ValidationError as errors keyed by the issue's full path (`form.shopName`,
 * `materials.0`), or undefined for any other error. The wording is the shell's "check this field".
 */
export function issueErrors(p: PageCtx, err: unknown): FieldErrors | undefined {
  if (!isDomainError(err) || err.code !== "validation") return undefined;
  const out: FieldErrors = {};
  for (const i of err.issues ?? []) out[i.path || "_"] ??= p.t("form.invalid");
  if (Object.keys(out).length === 0) out._ = p.t("form.invalid");
  return out;
}

/** The first error under `prefix` (a list field's `materials.3.form` shows on `materials`). */
export const under = (errors: FieldErrors, prefix: string): string | undefined =>
  errors[prefix] ??
  Object.entries(errors).find(([k]) => k.startsWith(`${prefix}.`))?.[1] ??
  undefined;

/** The app's object store when it can take uploads (the S3 store can). */
export function storeOf(p: PageCtx): MaterialStore | undefined {
  const s = p.c.var.deps.storage;
  return s && "presignUpload" in s ? (s as MaterialStore) : undefined;
}

/** Files of a posted multipart form (the shell copies only the string fields into `p.form`). */
export async function postedFiles(p: PageCtx): Promise<Record<string, File>> {
  const body = await p.c.req.parseBody();
  const out: Record<string, File> = {};
  for (const [k, v] of Object.entries(body))
    if (typeof v !== "string" && v instanceof File && v.size > 0) out[k] = v;
  return out;
}

/** Checks a posted file before it is stored: a declared type we take and a size within bounds. */
export function fileProblem(t: PortalT, f: File): string | undefined {
  if (!MATERIAL_TYPES.includes(f.type)) return t("apply.badType");
  if (f.size > MATERIAL_MAX_BYTES) return t("apply.tooLarge");
  return undefined;
}

/** A material as posted: a file in the form, or (with JavaScript) the key of a presigned upload. */
export interface Picked {
  field: string;
  name: string;
  upload?: string;
  file?: File;
}
const UPLOAD_KEY = /^quarantine\/upl_[0-9A-Za-z]+$/;

/** The posted materials of `wanted` (field → material name), each checked before anything is stored. */
export async function pickUploads(
  p: PageCtx,
  wanted: { field: string; name: string }[],
): Promise<{ picked: Picked[]; errors: FieldErrors }> {
  const t = tr(p);
  const files = await postedFiles(p);
  const picked: Picked[] = [];
  const errors: FieldErrors = {};
  for (const { field, name } of wanted) {
    const key = p.form[`u_${field}`]?.trim();
    const file = files[field];
    if (key) {
      if (UPLOAD_KEY.test(key)) picked.push({ field, name, upload: key });
      else errors[field] = t("apply.refused");
    } else if (file) {
      const problem = fileProblem(t, file);
      if (problem) errors[field] = problem;
      else picked.push({ field, name, file });
    }
  }
  if (picked.length > 0 && !storeOf(p)) errors._ = t("apply.uploadsOff");
  return { picked, errors };
}

/** Posted files go into the tenant's quarantine; the verb then accepts them like any upload. */
export async function stageUploads(p: PageCtx, picked: Picked[]) {
  const store = storeOf(p) as MaterialStore;
  const out: { name: string; upload: string }[] = [];
  for (const x of picked) {
    const upload =
      x.upload ??
      (await quarantineFile(
        store,
        p.tenant?.id ?? "",
        new Uint8Array(await (x.file as File).arrayBuffer()),
        (x.file as File).type,
      ));
    out.push({ name: x.name, upload });
  }
  return out;
}

/**
 * With JavaScript, each chosen file goes straight to storage through the API's presigned upload
 * (no body limit on the page) and the form carries its key in `u_<field>`; without it, or if that
 * fails, the form posts the files themselves.
 */
export function DirectUploads({ presign }: { presign: string }) {
  return raw(
    `<script>(function(){var f=document.currentScript.closest("form");f.addEventListener("submit",function(e){if(f.dataset.sent)return;var ins=[].slice.call(f.querySelectorAll("input[type=file]")).filter(function(i){return i.files&&i.files.length});if(!ins.length)return;e.preventDefault();var b=f.querySelector("button[type=submit]");if(b)b.disabled=true;var done=function(){f.dataset.sent="1";f.submit()};Promise.all(ins.map(function(i){var file=i.files[0];return fetch(${JSON.stringify(presign)},{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({contentType:file.type})}).then(function(r){if(!r.ok)throw r;return r.json()}).then(function(p){var d=new FormData();Object.keys(p.fields).forEach(function(k){d.append(k,p.fields[k])});d.append("file",file);return fetch(p.url,{method:"POST",body:d}).then(function(r){if(!r.ok)throw r;var h=document.createElement("input");h.type="hidden";h.name="u_"+i.name;h.value=p.key;f.appendChild(h);i.value=""})})})).then(done,done)})})();</script>`,
  );
}

export const ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/** A labelled file input with its hint and error (the shell's Field has no file type). */
export function FileField(props: {
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  accept?: string;
}) {
  const id = `f-${props.name}`;
  const described = [props.hint ? `${id}-hint` : "", props.error ? `${id}-err` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type="file"
        accept={props.accept ?? ACCEPT}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {props.hint && (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span class="error-text" id={`${id}-err`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** A definition list of label/value pairs. */
export function Facts({ rows }: { rows: [string, Child][] }) {
  return (
    <dl class="card">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/** A simple table with a caption, or the empty text. */
export function Table(props: { caption: string; head: string[]; rows: Child[][]; empty: string }) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <table>
      <caption class="muted">{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            {r.map((cell) => (
              <td>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
