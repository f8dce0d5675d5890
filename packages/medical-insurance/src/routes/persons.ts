import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import { applyArrears, contributionInput, recordContribution } from "../contributions.ts";
import { importContributionsCsv, importPersonsCsv } from "../import.ts";
import {
  employerInput,
  getPersonRecord,
  maskedPerson,
  personInput,
  registerEmployer,
  registerPerson,
  searchPersons,
  setPersonStatus,
} from "../persons.ts";
import { BASE, importReportSchema, jsonBody, jsonOk, miCtx, tenantParam } from "./common.ts";

const t = z.object({ tenant: tenantParam });
const tid = z.object({ tenant: tenantParam, id: z.string().min(1).max(64) });
export const maskedPersonSchema = z
  .object({
    id: z.string(),
    nationalId: z.string().openapi({ example: "110101********1234" }),
    name: z.string(),
    sex: z.enum(["M", "F"]),
    scheme: z.enum(["310", "390"]),
    employment: z.enum(["in_service", "retired"]),
    status: z.enum(["active", "suspended", "terminated"]),
  })
  .openapi("MiPerson");
const num = z.number();
export const personRecordSchema = z
  .object({
    person: maskedPersonSchema.extend({
      birthDate: z.string(),
      accountBalance: num,
      coveredThrough: z.string().nullable(),
    }),
    history: z.array(z.object({ status: z.string(), reason: z.string(), at: z.string() })),
    contributions: z.array(z.record(z.string(), z.unknown())),
    accumulators: z.array(
      z.object({
        year: num,
        outpatientDedcUsed: num,
        inpatientDedcUsed: num,
        fundPaid: num,
        admissions: num,
      }),
    ),
    settlements: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi("MiPersonRecord");
const csvBody = {
  required: true,
  content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } },
};

const route = <const R extends Parameters<typeof defineRoute>[0]>(r: R) =>
  defineRoute({ tags: ["medical"], ...r });

const search = route({
  method: "get",
  path: `${BASE}/persons`,
  permission: "mi:read",
  summary: "Search insured persons (national IDs masked; the search is audited)",
  request: { params: t, query: z.object({ q: z.string().min(1).max(64) }) },
  responses: { 200: jsonOk("matches", z.object({ items: z.array(maskedPersonSchema) })) },
});
const record = route({
  method: "get",
  path: `${BASE}/persons/{id}`,
  permission: "mi:read",
  summary: "An insured person's record (audited access)",
  request: { params: tid },
  responses: { 200: jsonOk("record", personRecordSchema) },
});
const create = route({
  method: "post",
  path: `${BASE}/persons`,
  permission: "mi:write",
  summary: "Register an insured person",
  request: { params: t, body: jsonBody(personInput) },
  responses: { 201: jsonOk("registered", maskedPersonSchema) },
});
const status = route({
  method: "post",
  path: `${BASE}/persons/{id}/status`,
  permission: "mi:write",
  summary: "Change a person's status (recorded in the history)",
  request: {
    params: tid,
    body: jsonBody(
      z.object({
        status: z.enum(["active", "suspended", "terminated"]),
        reason: z.string().min(1).max(200),
      }),
    ),
  },
  responses: { 200: jsonOk("changed", maskedPersonSchema) },
});
const contribution = route({
  method: "post",
  path: `${BASE}/persons/{id}/contributions`,
  permission: "mi:write",
  summary: "Record a paid contribution (employee month or resident year)",
  request: { params: tid, body: jsonBody(contributionInput.omit({ personId: true })) },
  responses: { 201: jsonOk("recorded", z.record(z.string(), z.unknown())) },
});
const employer = route({
  method: "post",
  path: `${BASE}/employers`,
  permission: "mi:write",
  summary: "Register or rename an employer (参保单位)",
  request: { params: t, body: jsonBody(employerInput) },
  responses: {
    200: jsonOk("saved", z.object({ id: z.string(), code: z.string(), name: z.string() })),
  },
});
const arrears = route({
  method: "post",
  path: `${BASE}/arrears`,
  permission: "mi:write",
  summary: "Suspend persons whose contributions are overdue beyond the grace period",
  request: { params: t, body: jsonBody(z.object({ asOf: z.string().date().optional() })) },
  responses: { 200: jsonOk("applied", z.object({ suspended: z.number().int() })) },
});
const importPersons = route({
  method: "post",
  path: `${BASE}/persons/import`,
  permission: "mi:write",
  summary: "Import persons from CSV (row-level error report)",
  request: { params: t, body: csvBody },
  responses: { 200: jsonOk("report", importReportSchema) },
});
const importContributions = route({
  method: "post",
  path: `${BASE}/contributions/import`,
  permission: "mi:write",
  summary: "Import contributions from CSV (row-level error report)",
  request: { params: t, body: csvBody },
  responses: { 200: jsonOk("report", importReportSchema) },
});

export function registerPersonRoutes(app: App): void {
  app.openapi(search, async (c) => {
    const items = await searchPersons(miCtx(c), c.req.valid("query").q);
    return c.json({ items }, 200);
  });
  app.openapi(importPersons, async (c) =>
    c.json(importReportSchema.parse(await importPersonsCsv(miCtx(c), await c.req.text())), 200),
  );
  app.openapi(importContributions, async (c) =>
    c.json(
      importReportSchema.parse(await importContributionsCsv(miCtx(c), await c.req.text())),
      200,
    ),
  );
  app.openapi(record, async (c) => {
    const r = await getPersonRecord(miCtx(c), c.req.valid("param").id);
    const body = JSON.parse(JSON.stringify(r)); // dates to ISO strings
    return c.json(personRecordSchema.parse(body), 200);
  });
  app.openapi(create, async (c) => {
    const p = await registerPerson(miCtx(c), c.req.valid("json"));
    return c.json(maskedPersonSchema.parse(maskedPerson(p)), 201);
  });
  app.openapi(status, async (c) => {
    const b = c.req.valid("json");
    const p = await setPersonStatus(miCtx(c), c.req.valid("param").id, b.status, b.reason);
    return c.json(maskedPersonSchema.parse(maskedPerson(p)), 200);
  });
  app.openapi(contribution, async (c) => {
    const body = { ...c.req.valid("json"), personId: c.req.valid("param").id };
    const saved = await recordContribution(miCtx(c), body);
    return c.json(JSON.parse(JSON.stringify(saved)), 201);
  });
  app.openapi(employer, async (c) => {
    const e = await registerEmployer(miCtx(c), c.req.valid("json"));
    return c.json({ id: e.id, code: e.code, name: e.name }, 200);
  });
  app.openapi(arrears, async (c) => {
    const suspended = await applyArrears(miCtx(c), c.req.valid("json").asOf);
    return c.json({ suspended }, 200);
  });
}
