// A minimal GraphQL client for setting up a bench through Lockstep's public API with the admin
// token: every answer is read in full and anything but clean data (see `dataOf`) throws.
import { dataOf } from './ticket-operations.ts';

/** Runs GraphQL operations against one Lockstep as admin. */
export interface AdminClient {
  /** The operation's `data`; throws with the HTTP status or the GraphQL errors otherwise. */
  run<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** A client for the Lockstep at `url` (its base URL) using `token`. */
export function createAdminClient(url: string, token: string): AdminClient {
  const endpoint = `${url}/graphql`;
  return {
    async run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.text();
      if (!response.ok) throw new Error(`${endpoint}: HTTP ${response.status}: ${body.slice(0, 300)}`);
      try {
        return dataOf(body) as T;
      } catch (error) {
        throw new Error(`${endpoint}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  };
}
