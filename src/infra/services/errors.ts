// The application's typed refusals: what the services (and the HTTP routes beside them) throw when
// a request names something missing, carries input they cannot accept, or exceeds the caller's
// role. Each carries a stable code; the GraphQL layer (src/graphql/errors.ts) maps them.

/** Raised for a request that names something that does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

/** Raised for input that cannot be accepted. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  readonly code = 'BAD_USER_INPUT';
}

/** Raised when the caller's role does not allow this change to this record. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}
