import { type Clock, LimitExceededError, systemClock } from "@zhengyun/core";

export interface RateLimiter {
  /** Counts one hit for `key`; throws LimitExceededError (with Retry-After seconds) over the limit. */
  hit(key: string): void;
}

/**
 * Fixed-window counter per key, in process memory: enough for one server (the embedded default);
 * several replicas each enforce the limit on their own share of traffic.
 */
export function createRateLimiter(opts: {
  limit: number;
  windowMs: number;
  clock?: Clock;
}): RateLimiter {
  const clock = opts.clock ?? systemClock;
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key) {
      const now = clock.now().getTime();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
      }
      let w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      if (w.count > opts.limit) {
        const retry = Math.max(1, Math.ceil((w.start + opts.windowMs - now) / 1000));
        throw new LimitExceededError("Too many requests", retry);
      }
    },
  };
}
