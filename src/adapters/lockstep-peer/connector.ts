// The LOCKSTEP_PEER connector: how this hub talks to a peer hub. Projects of this kind are made
// by the peering handshake, not by connectExternalProject, so config and credentials are what the
// handshake stored: the peer's URL and project id, the secret to sign deliveries to it, and the
// token for its peer API. Pushes post the ticket's register state (global dots) to the peer's
// webhook URL; twin creation, reads and comments go through the peer API (/api/peering/...).
// Comments carry this hub's ticket and comment ids, so the peer finds its copy by its own link.
import { z } from 'zod';
import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import type { CommentRequest, CommentResult, Connector, ConnectionSettings, ConnectorSession, ExternalItem, InboundDelivery, OutboundRequest } from '#domain/project/connector.ts';
import { ExternalCallError } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody, parseSettings } from '#adapters/shared/parsing.ts';
import { responseJson, sendRequest } from '#adapters/shared/http.ts';
import { signatureHeader, verifySignedDelivery } from '#adapters/shared/signatures.ts';
import { peerChangesSchema, peerCommentAnswerSchema, peerDeliverySchema, peerStateSchema, toPeerState, twinAnswerSchema } from './wire.ts';

const configSchema = z.object({ peerUrl: z.url(), peerProjectId: z.uuid(), peerHubReplica: z.string().optional() });
const credentialsSchema = z.object({ peerWebhookSecret: z.string().min(1), peerApiToken: z.string().min(1) });

/** A peer's state as an item: the external id is the ticket's id on the peer. */
function itemOf(state: z.infer<typeof peerStateSchema>): ExternalItem {
  return { externalId: state.ticketId, orderingKey: 0, observedAtMs: Date.now(), fields: {}, peerState: toPeerState(state) };
}

function open(settings: ConnectionSettings): ConnectorSession {
  const config = configSchema.parse(settings.config);
  const credentials = credentialsSchema.parse(settings.credentials);
  const api = `${config.peerUrl}/api/peering/${config.peerProjectId}`;
  const auth = { authorization: `Bearer ${credentials.peerApiToken}` };
  const requireState = (request: OutboundRequest) => {
    if (!request.peerState) throw new ExternalCallError('rejected', 'nothing to send: the ticket may not go to this peer');
    return request.peerState;
  };
  /** Sends a comment's state to the peer; its answer names the peer's copy. */
  async function sendComment(request: CommentRequest, deleted: boolean): Promise<CommentResult | null> {
    const body = JSON.stringify({
      deliveryId: request.deliveryId,
      ticketId: request.ticketId,
      commentId: request.commentId,
      body: request.body,
      author: request.author,
      createdAtMs: request.createdAtMs,
      updatedAtMs: request.updatedAtMs,
      deleted,
    });
    const response = await sendRequest({ url: `${api}/comments`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body, ...(request.signal ? { signal: request.signal } : {}) });
    const answer = peerCommentAnswerSchema.parse(responseJson(response));
    return answer.externalId === null ? null : { externalId: answer.externalId, reportedBody: answer.body, updatedAtMs: request.updatedAtMs };
  }
  const written = async (request: CommentRequest): Promise<CommentResult> => {
    const result = await sendComment(request, false);
    if (!result) throw new ExternalCallError('not_found', 'the peer holds no live copy of this comment');
    return result;
  };

  return {
    comments: {
      post: (_ticketId, request) => written(request),
      edit: (_ticketId, _commentId, request) => written(request),
      async remove(_ticketId, _commentId, request) {
        await sendComment(request, true);
      },
    },

    async testConnection(signal) {
      await sendRequest({ url: `${api}/changes?limit=1`, headers: auth, ...(signal ? { signal } : {}) });
    },
    async fetchChanges(cursor, signal) {
      const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const response = await sendRequest({ url: `${api}/changes${query}`, headers: auth, ...(signal ? { signal } : {}) });
      const page = peerChangesSchema.parse(responseJson(response));
      return { items: page.states.map(itemOf), cursor: page.cursor, done: page.done };
    },
    async fetchItem(externalId, signal) {
      try {
        const response = await sendRequest({ url: `${api}/items/${encodeURIComponent(externalId)}`, headers: auth, ...(signal ? { signal } : {}) });
        return itemOf(peerStateSchema.parse(responseJson(response)));
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    async createItem(request) {
      const body = JSON.stringify({ deliveryId: request.deliveryId, state: requireState(request) });
      const response = await sendRequest({ url: `${api}/items`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body, ...(request.signal ? { signal: request.signal } : {}) });
      return { externalId: twinAnswerSchema.parse(responseJson(response)).externalId };
    },
    async updateItem(externalId, request) {
      const body = JSON.stringify({ deliveryId: request.deliveryId, state: requireState(request) });
      await sendRequest({
        url: `${config.peerUrl}/api/webhooks/lockstep_peer/${config.peerProjectId}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lockstep-signature': signatureHeader(credentials.peerWebhookSecret, body), 'x-lockstep-delivery': request.deliveryId },
        body,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      return { externalId };
    },
  };
}

/** The LOCKSTEP_PEER connector. */
export function createPeerConnector(): Connector {
  return {
    kind: 'lockstep_peer',
    // A peer merges what we send by version vectors, so a concurrent write there is kept, never overwritten.
    capabilities: { receivesWebhooks: true, canFetch: true, canCreate: true, canUpdate: true, syncModes: ['webhook'], mirrorsComments: true, conditionalWrites: true },
    parseConfig: (config) => parseSettings(configSchema as z.ZodType<Record<string, string>>, config, 'config'),
    parseCredentials: (credentials) => parseSettings(credentialsSchema, credentials, 'credentials'),
    settingsSchemas: describeSettings(configSchema, credentialsSchema),
    verifyDelivery: (delivery: InboundDelivery, secrets) => verifySignedDelivery(delivery, 'x-lockstep-signature', secrets),
    parseDelivery(delivery) {
      const parsed = parseDeliveryBody(peerDeliverySchema, parseJsonBody(delivery.rawBody));
      return { deliveryId: parsed.deliveryId, items: [itemOf(parsed.state)] };
    },
    open,
  };
}
