// What every resolver receives: the authenticated caller and the application services.
import type { Caller } from '#infra/auth/tokens.ts';
import type { Services } from '#infra/services/services.ts';

/** Per-operation context; built once per HTTP request or WebSocket subscription. */
export interface GraphQLContext {
  readonly caller: Caller;
  readonly services: Services;
  /** Aborted when the client goes away (ends subscriptions). */
  readonly signal?: AbortSignal;
}
