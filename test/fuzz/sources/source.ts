// What the webhook fuzzing needs to know about one source: its kind, real bodies it sends, how it
// signs them, and the project config its parser reads. A new connector joins the fuzzing with one
// entry in webhook-sources.ts.
import type { JsonValue } from '#domain/json.ts';
import type { IntegrationKind } from '#domain/project/kinds.ts';

/** The headers and query that authenticate one delivery. */
export interface SignedRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/** A webhook source as the fuzz tests drive it. */
export interface WebhookSource {
  readonly kind: IntegrationKind;
  /** Raw bodies the source really sends (each file says where they come from). */
  readonly samples: readonly string[];
  /** Authenticates `body` with the project's webhook secret the way the source does. */
  sign(body: string, secret: string): SignedRequest;
  /** The project config the parser is given (unit-level runs). */
  readonly config: Readonly<Record<string, JsonValue>>;
}
