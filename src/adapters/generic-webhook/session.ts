// Calls to a generic webhook receiver for one connected project. Every change is one signed POST
// to `targetUrl`; the receiver acknowledges with any 2xx and may name the item it created. The
// receiver offers nothing to read, so fetching is refused, and `testConnection` can only check
// that the URL is well formed and its host resolves: any POST would be a delivery with effects.

import { lookup } from 'node:dns/promises';
import {
  ExternalCallError,
  type ConnectorSession,
  type OutboundRequest,
  type OutboundResult,
} from '#domain/project/connector.ts';
import { responseJson, sendRequest } from '#adapters/shared/http.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { isIsoTimestamp } from './inbound.ts';
import type { GenericWebhookConfig, GenericWebhookCredentials } from './connector.ts';
import { deliveryHeaderName, signatureHeaderName, toWireTicket, type OutboundBody, type WebhookEvent } from './wire.ts';

/** Session tuning; tests shorten the timeout. */
export interface GenericWebhookSessionOptions {
  /** Per-request timeout (ms); the shared helper's default when absent. */
  readonly timeoutMs?: number;
}

/** A session POSTing signed changes to `config.targetUrl`. */
export function openGenericWebhookSession(
  config: GenericWebhookConfig,
  credentials: GenericWebhookCredentials,
  options: GenericWebhookSessionOptions = {},
): ConnectorSession {
  async function post(event: WebhookEvent, externalId: string | null, request: OutboundRequest): Promise<OutboundResult> {
    const body: OutboundBody = {
      deliveryId: request.deliveryId,
      event,
      externalId,
      ticket: toWireTicket(request.ticketId, request.ticket, request.changed),
    };
    const raw = JSON.stringify(body);
    const response = await sendRequest({
      url: config.targetUrl,
      method: 'POST',
      body: raw,
      headers: {
        'content-type': 'application/json',
        [signatureHeaderName]: signatureHeader(credentials.secret, raw),
        [deliveryHeaderName]: request.deliveryId,
      },
      ...(request.signal ? { signal: request.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return readAnswer(responseJson(response), externalId);
  }

  return {
    async testConnection(signal) {
      await resolveHost(new URL(config.targetUrl).hostname, signal);
    },
    fetchChanges() {
      return Promise.reject(cannotFetch());
    },
    fetchItem() {
      return Promise.reject(cannotFetch());
    },
    createItem(request) {
      return post('ticket.created', null, request);
    },
    updateItem(externalId, request) {
      return post('ticket.updated', externalId, request);
    },
  };
}

/**
 * What a 2xx answer says: `externalId` (the new item's id; for updates the id we sent stands when
 * absent), and, as optional extensions, `url` and `updatedAt` (the item's ordering key).
 */
function readAnswer(answer: unknown, sentExternalId: string | null): OutboundResult {
  const fields = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : {};
  const given = fields['externalId'];
  const externalId = typeof given === 'string' && given.length > 0 ? given : typeof given === 'number' ? String(given) : sentExternalId;
  const url = fields['url'];
  const updatedAt = fields['updatedAt'];
  return {
    externalId,
    ...(typeof url === 'string' && URL.canParse(url) ? { url } : {}),
    ...(typeof updatedAt === 'string' && isIsoTimestamp(updatedAt) ? { orderingKey: new Date(updatedAt).toISOString() } : {}),
  };
}

function cannotFetch(): ExternalCallError {
  return new ExternalCallError('rejected', 'a generic webhook receiver offers nothing to fetch; its changes arrive by webhook');
}

async function resolveHost(hostname: string, signal: AbortSignal | undefined): Promise<void> {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  signal?.throwIfAborted();
  const lookedUp = lookup(host).then(
    () => undefined,
    (error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        throw new ExternalCallError('rejected', `config.targetUrl: host "${host}" does not resolve`);
      }
      throw new ExternalCallError('unavailable', `config.targetUrl: looking up host "${host}" failed (${String(code ?? error)})`);
    },
  );
  if (!signal) return lookedUp;
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([lookedUp, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
