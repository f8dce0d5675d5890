import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Authenticator } from "@zhengyun/api";
import { authenticateRequest } from "@zhengyun/auth";
import { authorize, type Principal } from "@zhengyun/auth/policy";
import type { Clock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { XMLParser } from "fast-xml-parser";

export const REF = join(import.meta.dirname, "../../../shared/reference/open311");
export const readRef = (name: string) => readFileSync(join(REF, name), "utf8");

/** The reference JSON schemas, with the relative `$ref`s of the list schemas resolvable. */
export function open311Validators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const name of ["service", "request", "service-definition"]) {
    ajv.addSchema(JSON.parse(readRef(`schema_${name}.json`)), `${name}.json`);
  }
  const compile = (name: string) => {
    const v = ajv.compile({ ...JSON.parse(readRef(`schema_${name}.json`)), $id: `list-${name}` });
    return (doc: unknown) => {
      if (!v(doc)) throw new Error(`${name}: ${ajv.errorsText(v.errors)}`);
      return true;
    };
  };
  return {
    services: compile("services"),
    requests: compile("requests"),
    definition: (doc: unknown) => {
      const v = ajv.getSchema("service-definition.json");
      if (!v?.(doc)) throw new Error(`definition: ${ajv.errorsText(v?.errors)}`);
      return true;
    },
  };
}

/** Lists stay lists even with one element, so shapes compare the same for 1 and n items. */
export const xml = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  isArray: (name) =>
    [
      "service",
      "request",
      "attribute",
      "value",
      "endpoint",
      "format",
      "error",
      "request_update",
    ].includes(name),
});

/** The production wiring in miniature: bearer API keys through @zhengyun/auth, its one policy. */
export function apiKeyAuthenticator(db: Database, clock: Clock): Authenticator {
  return {
    async authenticate(c) {
      const r = await authenticateRequest(
        { db, clock },
        {
          authorization: c.req.header("authorization"),
          secure: false,
          tenantId: c.var.tenant?.id ?? null,
        },
      );
      return r?.principal;
    },
    authorize: (p, permission, tenant) =>
      authorize(p as Principal, permission as never, tenant ?? null),
  };
}

export const form = (fields: [string, string][] | string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  body: typeof fields === "string" ? fields : new URLSearchParams(fields).toString(),
});
