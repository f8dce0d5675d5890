/** The slice of a pino logger the jobs need; the server passes its pino instance. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** JSON lines on stderr, for callers that bring no logger (the CLI, scripts). */
export const stderrLogger: Logger = {
  info: (obj, msg) => write("info", obj, msg),
  warn: (obj, msg) => write("warn", obj, msg),
  error: (obj, msg) => write("error", obj, msg),
};

function write(level: string, obj: object, msg?: string): void {
  const line = { level, time: new Date().toISOString(), ...obj, ...(msg ? { msg } : {}) };
  process.stderr.write(`${JSON.stringify(line, errorReplacer)}\n`);
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
