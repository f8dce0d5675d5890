/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors } from "@zhengyun/web";
import type { ServiceAttribute } from "../schema.ts";

/*
 * A service's Open311 attributes as form fields, named as GeoReport names them (`attribute[CODE]`,
 * and one checkbox `attribute[CODE][KEY]` per value of a multivaluelist), so the verb's field
 * errors land beside the right field.
 */

export function AttributeFields(props: {
  defs: ServiceAttribute[];
  form: Record<string, string>;
  errors: FieldErrors;
}) {
  const defs = props.defs.filter((d) => d.variable).sort((a, b) => a.order - b.order);
  return (
    <>
      {defs.map((d) => {
        const name = `attribute[${d.code}]`;
        const error = props.errors[name];
        if (d.datatype === "multivaluelist") {
          return (
            <fieldset
              class="field"
              id={`f-${name}`}
              aria-describedby={error ? `f-${name}-err` : undefined}
            >
              <legend>{d.description}</legend>
              {d.values.map((v) => {
                const box = `${name}[${v.key}]`;
                return (
                  <label>
                    <input
                      type="checkbox"
                      name={box}
                      value="on"
                      checked={props.form[box] === "on"}
                    />{" "}
                    {v.name}
                  </label>
                );
              })}
              {error && (
                <span class="error-text" id={`f-${name}-err`}>
                  {error}
                </span>
              )}
            </fieldset>
          );
        }
        return (
          <Field
            name={name}
            label={d.description}
            value={props.form[name]}
            error={error}
            required={d.required}
            {...(d.datatypeDescription ? { hint: d.datatypeDescription } : {})}
            {...(d.datatype === "text" ? { multiline: true } : {})}
            {...(d.datatype === "number" ? { type: "number" } : {})}
            {...(d.datatype === "datetime" ? { type: "datetime-local" } : {})}
            {...(d.datatype === "singlevaluelist"
              ? {
                  options: [
                    { value: "", label: "—" },
                    ...d.values.map((v) => ({ value: v.key, label: v.name })),
                  ],
                }
              : {})}
          />
        );
      })}
    </>
  );
}

/** The answers in a posted form: single values by code, list values gathered from checkboxes. */
export function attributeAnswers(form: Record<string, string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(form)) {
    const multi = /^attribute\[([^\]]+)\]\[([^\]]+)\]$/.exec(k);
    if (multi?.[1] && multi[2]) {
      const list = out[multi[1]];
      out[multi[1]] = [...(Array.isArray(list) ? list : []), multi[2]];
      continue;
    }
    const single = /^attribute\[([^\]]+)\]$/.exec(k);
    if (single?.[1] && v.trim() !== "") out[single[1]] = v;
  }
  return out;
}
