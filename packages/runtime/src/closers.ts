import type { Runtime } from "./index.ts";

// What must close before a runtime's database (the local admin channel), per runtime.
const closers = new WeakMap<Runtime, (() => Promise<void>)[]>();

export function trackRuntime(rt: Runtime): void {
  closers.set(rt, []);
}

/** Registers something to close before the runtime's database. */
export function onRuntimeClose(rt: Runtime, fn: () => Promise<void>): void {
  closers.get(rt)?.push(fn);
}

export async function runClosers(rt: Runtime): Promise<void> {
  for (const fn of (closers.get(rt) ?? []).splice(0).reverse()) await fn().catch(() => {});
}
