import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ValidationError } from "@zhengyun/core";
import type { FileAccess } from "@zhengyun/runtime";

/** Files named on the command line, resolved against the CLI's working directory. */
export function localFiles(cwd = process.cwd()): FileAccess {
  return {
    async read(path) {
      try {
        return await readFile(resolve(cwd, path));
      } catch (e) {
        throw new ValidationError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code}`);
      }
    },
    async write(path, data) {
      await writeFile(resolve(cwd, path), data, { mode: 0o600 });
    },
  };
}

/** Refuses an output path whose directory is missing, before any irreversible work. */
export async function assertWritableTarget(path: string, cwd = process.cwd()): Promise<void> {
  const dir = dirname(resolve(cwd, path));
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new ValidationError(`directory ${dir} does not exist`);
}
