/** What a CLI command writes to: a stream-like sink (process.stdout, or a frame writer). */
export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Files a command reads or writes, named as the user typed them. In-process they resolve against
 * the working directory; through the admin channel the client sends them or receives them.
 */
export interface FileAccess {
  read(path: string): Promise<Uint8Array>;
  write(path: string, data: Uint8Array): Promise<void>;
}

export interface CommandIo {
  stdout: TextSink;
  stderr: TextSink;
  files?: FileAccess;
}

/** Runs one CLI command in-process and returns its exit code (the CLI's runCli, bound to a runtime). */
export type CommandRunner = (argv: string[], io: CommandIo) => Promise<number>;

export interface AdminRequest {
  argv: string[];
  /** Input files by the path the user typed, base64. */
  files?: Record<string, string>;
  /** The client's terminal, so progress bars render as they would in-process. */
  stderrTTY?: boolean;
  columns?: number;
}

/** Response body: one JSON frame per line, ending with `exit`. */
export type AdminFrame =
  | { t: "stdout"; d: string }
  | { t: "stderr"; d: string }
  | { t: "file"; path: string; data: string }
  | { t: "exit"; code: number };

export const ADMIN_PATH = "/run";
/** Import archives travel in the request body. */
export const ADMIN_BODY_LIMIT = 512 * 1024 * 1024;
