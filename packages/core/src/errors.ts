/**
 * One error vocabulary for the whole product. Domain code throws these; the HTTP layer maps them to
 * RFC 9457 problem+json in one place (apps/api), the CLI to exit codes and messages on stderr.
 */
export type ErrorCode =
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "locked"
  | "limit_exceeded"
  | "payload_too_large"
  | "unsupported_media_type"
  | "internal";

export const errorStatus: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  locked: 423,
  limit_exceeded: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
};

export interface FieldIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[] | undefined;
  /** Extra members for the problem document (e.g. retryAfter seconds). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { issues?: FieldIssue[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "DomainError";
    this.code = code;
    this.issues = opts.issues;
    this.extra = opts.extra;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, issues?: FieldIssue[]) {
    super("validation", message, issues ? { issues } : {});
  }
}
export class NotFoundError extends DomainError {
  constructor(message = "Not found") {
    super("not_found", message);
  }
}
export class ForbiddenError extends DomainError {
  constructor(message = "Forbidden") {
    super("forbidden", message);
  }
}
export class ConflictError extends DomainError {
  constructor(message: string) {
    super("conflict", message);
  }
}
export class PreconditionFailedError extends DomainError {
  constructor(message: string) {
    super("precondition_failed", message);
  }
}
export class LockedError extends DomainError {
  constructor(message: string) {
    super("locked", message);
  }
}
export class LimitExceededError extends DomainError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(
      "limit_exceeded",
      message,
      retryAfterSeconds ? { extra: { retryAfter: retryAfterSeconds } } : {},
    );
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
