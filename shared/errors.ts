/**
 * Errors of the domain and its edges. Each carries the HTTP status it maps to,
 * a stable machine-readable `code`, and, for bad input, every wrong field.
 */
export interface FieldError {
  /** Dotted path of the field, e.g. `priority`, `tasks.3.requires`. */
  readonly field: string;
  readonly message: string;
}

export class TaskfleetError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  toJSON(): { error: { code: string; message: string; fields?: readonly FieldError[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields.length > 0 ? { fields: this.fields } : {}),
      },
    };
  }
}

export class ValidationError extends TaskfleetError {
  constructor(fields: readonly FieldError[], message?: string) {
    super(400, 'invalid_request', message ?? `invalid ${fields.map((f) => f.field).join(', ')}`, fields);
  }
}

export class MalformedJsonError extends TaskfleetError {
  constructor(cause?: unknown) {
    super(400, 'malformed_json', 'the request body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }], {
      cause,
    });
  }
}

/** No pool offers every capability a task requires. */
export class UnroutableError extends TaskfleetError {
  constructor(readonly missing: readonly string[], field = 'requires') {
    super(422, 'no_pool_for_capabilities', `no pool offers: ${missing.join(', ')}`, [
      { field, message: `no pool offers ${missing.join(', ')}` },
    ]);
  }
}

/** No agent could ever run the task (agent pools' admission control). */
export class UnmatchedError extends TaskfleetError {
  constructor(reason: string, field: string) {
    super(422, 'no_agent_can_run', reason, [{ field, message: reason }]);
  }
}

export class UnauthorizedError extends TaskfleetError {
  constructor() {
    super(401, 'unauthorized', 'a valid "Authorization: Bearer <token>" header is required');
  }
}

/** A token that was valid and is no more: revoked, or past its expiry (401: the caller needs a new one). */
export class TokenNoLongerValidError extends TaskfleetError {
  constructor(readonly reason: 'revoked' | 'expired') {
    super(401, `token_${reason}`, `the bearer token was ${reason === 'revoked' ? 'revoked' : 'valid until its expiry, which has passed'}; ask for a new one`);
  }
}

/** The tenant's token carries a request rate, and this request is over it (the answer has Retry-After). */
export class TooManyRequestsError extends TaskfleetError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `over this tenant's request rate; retry after ${retryAfterSeconds} s`);
  }
}

/** A bearer token that grants nothing (unknown, or not a token at all). */
export class ForbiddenError extends TaskfleetError {
  constructor() {
    super(403, 'forbidden', 'the bearer token grants no access (unknown or revoked)');
  }
}

export class NotFoundError extends TaskfleetError {
  constructor(what: string, id: string) {
    super(404, 'not_found', `${what} ${id} not found`);
  }
}

export class ConflictError extends TaskfleetError {
  constructor(code: string, message: string, fields: readonly FieldError[] = []) {
    super(409, code, message, fields);
  }
}

export class DuplicateTaskIdError extends ConflictError {
  constructor(id: string, field = 'id') {
    super('duplicate_id', `a task with id ${id} already exists`, [{ field, message: `${id} is already taken` }]);
  }
}

/** A lease-token call whose token is not the task's current lease. */
export class StaleLeaseError extends ConflictError {
  constructor(id: string) {
    super('stale_lease', `the lease token does not hold task ${id} (finished, lapsed and re-leased, or never leased)`, [
      { field: 'leaseToken', message: 'is not the current lease of this task' },
    ]);
  }
}

/** A dependency (queue, store) could not take the request; nothing was accepted. Safe to retry. */
export class UnavailableError extends TaskfleetError {
  constructor(message: string, readonly retryAfterSeconds = 1) {
    super(503, 'unavailable', message);
  }
}

/** The task asks for more than its pool can give (e.g. a timeout past a Lambda worker's). */
export class PoolLimitError extends TaskfleetError {
  constructor(field: string, message: string) {
    super(422, 'exceeds_pool_limit', message, [{ field, message }]);
  }
}
/** A request body over what a synchronous Lambda invoke accepts (6 MB). */
export class PayloadTooLargeError extends TaskfleetError {
  constructor(bytes: number, limit: number) {
    super(413, 'payload_too_large', `the request body is ${bytes} bytes; the limit is ${limit}`, [
      { field: 'body', message: `must be at most ${limit} bytes` },
    ]);
  }
}

