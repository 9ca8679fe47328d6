// Awaiting a call that must fail with an ExternalCallError, and handing the error over for checks.
import { expect } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';

/** The ExternalCallError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function externalFailure(promise: Promise<unknown>): Promise<ExternalCallError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ExternalCallError);
  return error as ExternalCallError;
}
