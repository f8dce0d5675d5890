import { type FieldIssue, ValidationError } from "@zhengyun/core";
import type { ServiceAttribute } from "./schema.ts";

export type AttributeAnswers = Record<string, string | string[]>;

function check(a: ServiceAttribute, v: string | string[]): string | undefined {
  const keys = new Set(a.values.map((x) => x.key));
  if (a.datatype === "multivaluelist") {
    const list = Array.isArray(v) ? v : [v];
    return list.every((x) => keys.has(x)) ? undefined : "not one of the listed values";
  }
  if (Array.isArray(v)) return "takes a single value";
  if (a.datatype === "singlevaluelist")
    return keys.has(v) ? undefined : "not one of the listed values";
  if (a.datatype === "number")
    return Number.isFinite(Number(v)) && v.trim() !== "" ? undefined : "not a number";
  if (a.datatype === "datetime")
    return Number.isNaN(Date.parse(v)) ? "not a W3C datetime" : undefined;
  if (a.datatype === "string" && v.length > 500) return "longer than 500 characters";
  return v.length > 4000 ? "longer than 4000 characters" : undefined;
}

/**
 * Checks answers against the service definition: required ones present, values of the declared
 * datatype, list values among the listed keys, no codes the definition does not have. Returns the
 * answers normalised (multivaluelist always an array).
 */
export function checkAttributes(
  defs: ServiceAttribute[],
  answers: AttributeAnswers,
): AttributeAnswers {
  const issues: FieldIssue[] = [];
  const out: AttributeAnswers = {};
  const byCode = new Map(defs.filter((d) => d.variable).map((d) => [d.code, d]));
  for (const code of Object.keys(answers)) {
    if (!byCode.has(code))
      issues.push({ path: `attribute[${code}]`, message: "unknown attribute" });
  }
  for (const def of byCode.values()) {
    const v = answers[def.code];
    const empty = v === undefined || (Array.isArray(v) ? v.length === 0 : v.trim() === "");
    if (empty) {
      if (def.required) issues.push({ path: `attribute[${def.code}]`, message: "required" });
      continue;
    }
    const problem = check(def, v);
    if (problem) issues.push({ path: `attribute[${def.code}]`, message: problem });
    else out[def.code] = def.datatype === "multivaluelist" && !Array.isArray(v) ? [v] : v;
  }
  if (issues.length > 0) {
    throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  }
  return out;
}
