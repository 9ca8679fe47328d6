// Turns the typed errors thrown below the API into GraphQL errors a client can act on: a stable
// `extensions.code` and a message naming the problem. Anything unexpected stays masked.
import { GraphQLError } from 'graphql';
import { ZodError } from 'zod';
import { DomainError } from '#domain/errors.ts';

// Resolvers throw the same application errors the services do.
export { BadInputError, ForbiddenError, NotFoundError } from '#infra/services/errors.ts';

/** An error whose message is safe and useful to show to the API caller. */
export interface PublicError {
  readonly message: string;
  readonly code: string;
}

function describeZod(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

/** Domain refusals with a code of their own; every other DomainError is bad user input. */
const domainCodes: Record<string, string> = {
  ConflictAlreadyResolved: 'CONFLICT_ALREADY_RESOLVED',
  FieldHeldByConflict: 'FIELD_HELD_BY_CONFLICT',
};

/** Maps a thrown error to what the caller may see, or undefined to mask it. */
export function toPublicError(error: unknown): PublicError | undefined {
  if (error instanceof ZodError) return { message: describeZod(error), code: 'BAD_USER_INPUT' };
  if (error instanceof DomainError) return { message: error.message, code: domainCodes[error.name] ?? 'BAD_USER_INPUT' };
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^[A-Z_]+$/.test(error.code)) {
    return { message: error.message, code: error.code };
  }
  return undefined;
}

/**
 * yoga's maskError hook: keep GraphQL and public errors; mask the rest, after `report` logged the
 * original and returned the id that the masked error carries (the caller quotes it to an operator).
 */
export function maskError(error: unknown, fallback: string, report: (error: unknown) => string): Error {
  // graphql-ws wraps an error thrown while a subscription streams as a GraphQLError with a cause.
  const wrapped = error instanceof GraphQLError ? (error.originalError ?? (error.cause as Error | undefined)) : undefined;
  const original = error instanceof GraphQLError ? (wrapped ?? error) : error;
  if (error instanceof GraphQLError && !wrapped) return error;
  if (original instanceof GraphQLError) return original;
  const shown = toPublicError(original);
  const graphQLError = error instanceof GraphQLError ? error : undefined;
  const location = {
    ...(graphQLError?.nodes ? { nodes: graphQLError.nodes } : {}),
    ...(graphQLError?.path ? { path: graphQLError.path } : {}),
  };
  if (shown) return new GraphQLError(shown.message, { ...location, extensions: { code: shown.code } });
  const errorId = report(original);
  return new GraphQLError(`${fallback} (error id ${errorId})`, {
    ...location,
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  });
}
