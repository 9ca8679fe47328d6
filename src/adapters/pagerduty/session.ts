// Write-back to PagerDuty through the REST API v2. A ticket linked without an incident opens one
// with `incident_key` = the ticket id: PagerDuty refuses a second open incident with that key, so
// a create that is retried (or refused as a duplicate) looks the first one up instead of twinning.
// An update reads the incident first and gives way (PreconditionFailed) when someone moved it on
// PagerDuty since the hub last saw it; only `status` travels (acknowledged, resolved).

import type { JsonValue } from '#domain/json.ts';
import {
  ExternalCallError,
  PreconditionFailed,
  type ConnectorSession,
  type ExternalItem,
  type OutboundRequest,
  type OutboundResult,
} from '#domain/project/connector.ts';
import { ticketStatuses, type TicketStatus } from '#domain/ticket/fields.ts';
import { createPagerDutyClient, type PagerDutyClient, type RestIncident } from './client.ts';
import type { PagerDutyConfig, PagerDutyCredentials } from './settings.ts';
import { canMove, hubStatusOf, incidentStatusFor } from './statuses.ts';

function statusOf(value: JsonValue | undefined): TicketStatus | null {
  return typeof value === 'string' && (ticketStatuses as readonly string[]).includes(value) ? (value as TicketStatus) : null;
}

/** The incident as a report: its status in hub terms, read now. */
function itemOf(incident: RestIncident): ExternalItem {
  const now = Date.now();
  return {
    externalId: incident.id,
    ...(incident.html_url ? { url: incident.html_url } : {}),
    orderingKey: now,
    observedAtMs: now,
    fields: { status: hubStatusOf(incident.status) },
  };
}

/** Moves `incident` toward the status `ticketStatus` asks for, when PagerDuty can. */
async function follow(
  client: PagerDutyClient,
  incident: RestIncident,
  ticketStatus: TicketStatus | null,
  signal?: AbortSignal,
): Promise<RestIncident> {
  const target = ticketStatus ? incidentStatusFor(ticketStatus) : null;
  if (!target || !canMove(incident.status, target)) return incident;
  return client.setStatus(incident.id, target, signal);
}

/**
 * What PagerDuty holds after our writes. Its ordering key is the time of our last write: the
 * webhooks about the steps before it (`incident.triggered` after a create that also acknowledged)
 * are older, so they cannot take the ticket back.
 */
function resultOf(incident: RestIncident, sentStatus: boolean): OutboundResult {
  return {
    externalId: incident.id,
    orderingKey: Date.now(),
    ...(incident.html_url ? { url: incident.html_url } : {}),
    ...(sentStatus ? { reportedValues: { status: hubStatusOf(incident.status) } } : {}),
  };
}

/** A session writing to PagerDuty with `config` and `credentials`. */
export function createPagerDutySession(config: PagerDutyConfig, credentials: PagerDutyCredentials): ConnectorSession {
  const client = (): PagerDutyClient => {
    if (!credentials.apiToken) throw new ExternalCallError('rejected', 'PagerDuty write-back needs credentials.apiToken (a REST API key)');
    return createPagerDutyClient(config.baseUrl, credentials.apiToken, config.fromEmail);
  };
  const serviceId = (): string => {
    if (!config.serviceId) throw new ExternalCallError('rejected', 'PagerDuty needs config.serviceId to open incidents');
    return config.serviceId;
  };

  /** The open incident an earlier create of this ticket made, if any. */
  async function earlier(api: PagerDutyClient, request: OutboundRequest): Promise<RestIncident | undefined> {
    return (await api.openIncidentsWithKey(serviceId(), request.ticketId, request.signal))[0];
  }

  return {
    async testConnection(signal) {
      if (!credentials.apiToken) return;
      const api = client();
      if (config.serviceId) await api.openIncidentsWithKey(config.serviceId, 'lockstep-connection-test', signal);
    },
    async fetchChanges() {
      throw new ExternalCallError('rejected', 'PagerDuty incidents arrive by webhook; there is nothing to fetch');
    },
    async fetchItem(externalId, signal) {
      try {
        return itemOf(await client().getIncident(externalId, signal));
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    async createItem(request) {
      const api = client();
      const title = typeof request.ticket['title'] === 'string' ? request.ticket['title'] : `Lockstep ticket ${request.ticketId}`;
      const details = typeof request.ticket['description'] === 'string' ? request.ticket['description'] : '';
      let incident = request.retry ? await earlier(api, request) : undefined;
      if (!incident) {
        try {
          incident = await api.createIncident({ title, serviceId: serviceId(), incidentKey: request.ticketId, details }, request.signal);
        } catch (error) {
          // 400: PagerDuty refuses a second open incident with this key; the first one is ours.
          const duplicate = error instanceof ExternalCallError && error.kind === 'rejected' && error.status === 400;
          incident = duplicate ? await earlier(api, request) : undefined;
          if (!incident) throw error;
        }
      }
      incident = await follow(api, incident, statusOf(request.ticket['status']), request.signal);
      return resultOf(incident, 'status' in request.changed);
    },
    async updateItem(externalId, request) {
      if (!('status' in request.changed)) return { externalId };
      const api = client();
      const wanted = statusOf(request.changed['status']);
      const current = await api.getIncident(externalId, request.signal);
      const held = hubStatusOf(current.status);
      const base = request.precondition?.base['status'];
      const target = wanted ? incidentStatusFor(wanted) : null;
      const sending = target ? hubStatusOf(target) : held;
      // Moved on PagerDuty since the hub last saw it, to something we are not sending: a person's change.
      if (base !== undefined && base !== null && held !== base && held !== sending && held !== wanted) {
        throw new PreconditionFailed(`incident ${externalId} is ${current.status} on PagerDuty`, itemOf(current));
      }
      return resultOf(await follow(api, current, wanted, request.signal), true);
    },
  };
}
