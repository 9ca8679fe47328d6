// POST /api/webhooks/:kind/:projectId — the front door for external systems. In order: unknown
// project or kind -> 404; body over 1 MiB -> 413; signature (the source's own scheme, or
// `?secret=`) -> 401; malformed body -> 400 naming the problem. Nothing is stored in those cases.
// A good delivery is written to the inbox (keyed by the source's delivery id) together with a
// `delivery.received` message (inbox-door.ts), and answered 202; a repeat answers 202 and changes nothing. A
// subscription the source asks to confirm (AWS SNS) is confirmed first; 502 when that fails.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LockMode } from '@mikro-orm/core';
import { findNulCharacter } from '#domain/json.ts';
import { ExternalCallError, InvalidDelivery, type Connector, type InboundDelivery } from '#domain/project/connector.ts';
import { sendRequest } from '#adapters/shared/http.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { integrationKinds, type IntegrationKind } from '#domain/project/kinds.ts';
import { sendJson } from '#infra/http/server.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { ProjectMetrics } from '#infra/project-metrics.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import { isHubId } from '#infra/services/ids.ts';
import type { InboxDoor } from './inbox-door.ts';

/** Largest accepted delivery body. */
export const maxDeliveryBytes = 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxDeliveryBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxDeliveryBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Accepts `jira`, `JIRA`, `generic-webhook`, `generic_webhook`... */
export function parseKind(segment: string): IntegrationKind | undefined {
  const normalised = segment.toLowerCase().replaceAll('-', '_');
  return (integrationKinds as readonly string[]).includes(normalised) ? (normalised as IntegrationKind) : undefined;
}

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]),
  );
}

/** The credential the project's side signs with, when its connector names one. */
function signingCredentialOf(projects: ProjectService, connector: Connector, project: ExternalProject): string[] {
  const key = connector.capabilities.signingCredential;
  if (!key) return [];
  const value = projects.settingsOf(project).settings.credentials[key];
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/** The webhook route handler. */
export function createWebhookReceiver(uow: UnitOfWork, record: InboxDoor, projects: ProjectService, metrics: ProjectMetrics) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      sendJson(response, 405, { error: 'Use POST' });
      return;
    }
    const [kindSegment = '', projectId = '', ...rest] = url.pathname.replace(/^\/api\/webhooks\//, '').split('/');
    const kind = parseKind(kindSegment);
    const project = kind && isHubId(projectId) && rest.length === 0 ? await projects.recent(projectId) : null;
    if (!project || project.kind !== kind) {
      metrics.delivery(null, 'refused', 'unknown_project');
      sendJson(response, 404, { error: `No ${kind ? kind.toUpperCase() : kindSegment} project with id "${projectId}"` });
      return;
    }
    let rawBody: Buffer;
    try {
      rawBody = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        metrics.delivery(project.id, 'refused', 'too_large');
        sendJson(response, 413, { error: `Delivery larger than ${maxDeliveryBytes} bytes` });
        request.resume();
        return;
      }
      throw error;
    }
    const delivery: InboundDelivery = {
      headers: headersOf(request),
      query: Object.fromEntries(url.searchParams.entries()),
      rawBody,
    };
    // Verifying and parsing need the project's secrets and config; credentials only when the side
    // signs with one of them (Slack's signing secret).
    const connector = projects.connectorOf(project.kind);
    const secrets = [...project.acceptedWebhookSecrets(Date.now()), ...signingCredentialOf(projects, connector, project)];
    if (!(await connector.verifyDelivery(delivery, secrets, project.config))) {
      metrics.delivery(project.id, 'refused', 'signature');
      sendJson(response, 401, { error: 'Signature does not match this project’s webhook secret' });
      return;
    }
    let parsed;
    try {
      parsed = connector.parseDelivery(delivery, project.config);
    } catch (error) {
      if (error instanceof InvalidDelivery) {
        metrics.delivery(project.id, 'refused', 'invalid');
        sendJson(response, 400, { error: error.message });
        return;
      }
      throw error;
    }
    const unstorable = findNulCharacter(parsed, 'delivery');
    if (unstorable) {
      metrics.delivery(project.id, 'refused', 'invalid');
      sendJson(response, 400, { error: `${unstorable}: contains a NUL character (\\u0000) or a lone surrogate, which cannot be stored` });
      return;
    }
    // A subscription handshake (AWS SNS) is confirmed before the delivery is recorded: when the
    // confirmation fails, nothing is stored and the 502 makes the source send it again.
    if (parsed.confirmSubscriptionUrl !== undefined) {
      try {
        await sendRequest({ url: parsed.confirmSubscriptionUrl, headers: { accept: '*/*' } });
      } catch (error) {
        if (!(error instanceof ExternalCallError)) throw error;
        metrics.delivery(project.id, 'refused', 'subscription');
        sendJson(response, 502, { error: `Could not confirm the subscription: ${error.message}` });
        return;
      }
    }

    // Repeats are caught by the inbox's unique (project, delivery id) key, so deliveries of one
    // project are accepted side by side, holding no lock on the project row: the inbox's foreign key
    // takes a key-share lock on it at commit, which a FOR UPDATE held in the same transaction would
    // make wait in a cycle with the unique key's wait (a deadlock, answered 500, under concurrent
    // first deliveries). The handshake is recorded after, in a transaction of its own.
    const outcome = await record(project.id, {
      deliveryId: parsed.deliveryId,
      items: parsed.items,
      comments: parsed.comments ?? [],
      alerts: parsed.alerts ?? [],
    });
    // The first verified delivery completes the handshake; the lock is the only one this transaction takes.
    if (project.handshakeStatus === 'pending') {
      await uow.run(async (em) => {
        const locked = await em.findOne(ExternalProject, { id: project.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        locked?.recordVerifiedDelivery();
        return { result: undefined, events: [] };
      });
    }
    metrics.delivery(project.id, outcome);
    sendJson(response, connector.capabilities.acceptedStatus ?? 202, { status: outcome, deliveryId: parsed.deliveryId });
  };
}
