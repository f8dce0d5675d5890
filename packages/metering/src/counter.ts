import { type Clock, systemClock } from "@zhengyun/core";
import type { UsageEventInput } from "./validate.ts";

export interface RequestCounterOptions {
  /** Ingests one tenant's events, e.g. `(t, ev) => ingestEvents(db, { tenantId: t, source: "api", events: ev })`. */
  flush: (tenantId: string, events: UsageEventInput[]) => Promise<unknown>;
  intervalMs?: number;
  clock?: Clock;
  /** Names this process in event ids; random by default, so two processes never share an id. */
  processId?: string;
  /** A failed flush is kept and retried with the same event id next time; told here. */
  onError?: (err: unknown) => void;
}

export interface RequestCounter {
  /** Counts requests for a tenant; synchronous and allocation-light, for the request path. */
  count(tenantId: string, n?: number): void;
  /** Cuts the current window and sends everything pending (also used on graceful shutdown). */
  flush(): Promise<void>;
  /** Stops the timer and flushes. */
  close(): Promise<void>;
}

interface Window {
  seq: number;
  at: Date;
  counts: Map<string, number>;
}

/**
 * In-memory API request counts per tenant, flushed every interval off the request path: at most
 * one interval of counts is at risk on a crash. Each window's event id is
 * `<process>:<tenant>:<window number>`, so a flush retried after a failure or timeout counts once.
 */
export function createRequestCounter(opts: RequestCounterOptions): RequestCounter {
  const clock = opts.clock ?? systemClock;
  const processId = opts.processId ?? `p${crypto.randomUUID().slice(0, 13)}`;
  let current = new Map<string, number>();
  let seq = 0;
  const pending: Window[] = [];
  let running: Promise<void> = Promise.resolve();

  const cut = () => {
    if (current.size === 0) return;
    pending.push({ seq: ++seq, at: clock.now(), counts: current });
    current = new Map();
  };

  const drain = async () => {
    while (pending.length > 0) {
      const w = pending[0] as Window;
      for (const [tenantId, quantity] of [...w.counts]) {
        const event = {
          id: `${processId}:${tenantId}:${w.seq}`,
          meter: "api.requests",
          quantity,
          time: w.at,
        };
        await opts.flush(tenantId, [event]);
        w.counts.delete(tenantId);
      }
      pending.shift();
    }
  };

  const flush = (): Promise<void> => {
    running = running.then(() => {
      cut();
      return drain();
    });
    // The chain continues after a failure; this caller still hears about it.
    const mine = running;
    running = running.catch(() => {});
    return mine;
  };

  const timer = setInterval(() => {
    flush().catch((err) => opts.onError?.(err));
  }, opts.intervalMs ?? 1000);
  timer.unref?.();

  return {
    count(tenantId, n = 1) {
      current.set(tenantId, (current.get(tenantId) ?? 0) + n);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
