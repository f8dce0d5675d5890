import type { TextSink } from "@zhengyun/runtime";
import { SingleBar } from "cli-progress";

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

/** A progress bar on stderr; on a non-terminal a line every few seconds instead of redraws. */
export function progressBar(stderr: TextSink, title: string): Progress {
  let bar: SingleBar | undefined;
  return {
    update(done, total, label) {
      if (!bar) {
        bar = new SingleBar({
          // cli-progress only needs write/isTTY/columns from its stream.
          stream: stderr as unknown as NodeJS.WritableStream,
          format: `${title} [{bar}] {value}/{total} {label}`,
          noTTYOutput: true,
          notTTYSchedule: 2000,
          hideCursor: false,
        });
        bar.start(total, 0, { label: "" });
      }
      bar.update(done, { label });
    },
    stop() {
      bar?.stop();
    },
  };
}
