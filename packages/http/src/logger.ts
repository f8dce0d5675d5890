import type { Logger } from "./env.ts";

/** One JSON object per line on the console: the Workers runtime collects console output. */
export function consoleLogger(base: Record<string, unknown> = {}): Logger {
  const write = (level: string, obj: Record<string, unknown>, msg?: string) =>
    console.log(
      JSON.stringify({ level, time: Date.now(), ...base, ...obj, ...(msg ? { msg } : {}) }),
    );
  return {
    info: (obj, msg) => write("info", obj, msg),
    warn: (obj, msg) => write("warn", obj, msg),
    error: (obj, msg) => write("error", obj, msg),
  };
}
