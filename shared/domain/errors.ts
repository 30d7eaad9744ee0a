/**
 * Domain errors. Use cases throw these; shared/http/errors.ts maps them to HTTP by `instanceof`
 * in one table. They carry no HTTP status: the domain knows nothing of HTTP.
 */
/**
 * One item of an error's `details`: which field (`path`, dotted: `body.email`), a machine-readable
 * `code`, a human `message`, and for some rules what they are about.
 */
export interface ErrorDetail {
  path?: string;
  code?: string;
  message?: string;
  typeId?: string;
  count?: number;
  /** A batch item that came earlier with the same address. */
  firstIndex?: number;
  /** The reason of an existing entry (a suppression) that the request conflicts with. */
  reason?: string;
  /** The id of that existing entry. */
  id?: string;
}

export class DomainError extends Error {
  readonly details: ErrorDetail[];
  constructor(message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {}

/** The request conflicts with current state: a duplicate, a concurrent change, a second send. */
export class ConflictError extends DomainError {}

/** Well-formed input that breaks a business rule (archived type, erased contact, …). */
export class RuleViolationError extends DomainError {}

/** Input that fails validation; `details` names the fields. */
export class ValidationError extends DomainError {}

/** The caller is known but not allowed to do this. */
export class ForbiddenError extends DomainError {}
