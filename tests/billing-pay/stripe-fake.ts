import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
  /** True when the fake answered from its idempotency cache (a retry Stripe would replay too). */
  replayed: boolean;
}

/**
 * A local HTTP fake of the few Stripe endpoints billing uses (customers, invoices, invoice items,
 * finalize), with Stripe's idempotency semantics: a repeated key gets the first answer and creates
 * nothing. `failNext(path, n)` makes the next n requests to a path fail with 500 after the fake
 * has done the work, like a response lost on the way back.
 */
export async function startStripeFake() {
  const requests: RecordedRequest[] = [];
  const cache = new Map<string, { status: number; body: string }>();
  const objects = { customers: 0, invoices: new Map<string, Record<string, unknown>>(), items: 0 };
  const itemsOf = new Map<string, { amount: number }[]>();
  const failures = new Map<string, number>();
  let seq = 0;

  const handle = (method: string, path: string, f: Record<string, string>) => {
    const meta = (prefix: string) =>
      Object.fromEntries(
        Object.entries(f)
          .filter(([k]) => k.startsWith(`${prefix}[`))
          .map(([k, v]) => [k.slice(prefix.length + 1, -1), v]),
      );
    if (method === "POST" && path === "/v1/customers") {
      objects.customers++;
      return { id: `cus_${++seq}`, object: "customer", name: f.name, metadata: meta("metadata") };
    }
    if (method === "POST" && path === "/v1/invoices") {
      const inv = {
        id: `in_${++seq}`,
        object: "invoice",
        customer: f.customer,
        currency: f.currency,
        status: "draft",
        amount_due: 0,
        metadata: meta("metadata"),
      };
      objects.invoices.set(inv.id, inv);
      itemsOf.set(inv.id, []);
      return inv;
    }
    if (method === "POST" && path === "/v1/invoiceitems") {
      objects.items++;
      itemsOf.get(f.invoice ?? "")?.push({ amount: Number(f.amount) });
      return {
        id: `ii_${++seq}`,
        object: "invoiceitem",
        amount: Number(f.amount),
        invoice: f.invoice,
      };
    }
    const fin = /^\/v1\/invoices\/([^/]+)\/finalize$/.exec(path);
    if (method === "POST" && fin) {
      const inv = objects.invoices.get(fin[1] ?? "");
      if (!inv) return undefined;
      inv.status = "open";
      inv.amount_due = (itemsOf.get(inv.id as string) ?? []).reduce((s, i) => s + i.amount, 0);
      return inv;
    }
    return undefined;
  };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const key = req.headers["idempotency-key"] as string | undefined;
    const form = Object.fromEntries(new URLSearchParams(body));
    const cached = key ? cache.get(key) : undefined;
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      idempotencyKey: key,
      form,
      replayed: !!cached,
    });
    let answer = cached;
    if (!answer) {
      const obj = handle(req.method ?? "", url.pathname, form);
      answer = obj
        ? { status: 200, body: JSON.stringify(obj) }
        : { status: 404, body: JSON.stringify({ error: { type: "invalid_request_error" } }) };
      if (key) cache.set(key, answer);
    }
    const left = failures.get(url.pathname) ?? 0;
    if (left > 0) {
      failures.set(url.pathname, left - 1);
      res.writeHead(500, { "content-type": "application/json", "stripe-should-retry": "false" });
      res.end(JSON.stringify({ error: { type: "api_error", message: "lost response" } }));
      return;
    }
    res.writeHead(answer.status, {
      "content-type": "application/json",
      "request-id": `req_${seq}`,
    });
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    itemsOf,
    failNext(path: string, n = 1) {
      failures.set(path, n);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
