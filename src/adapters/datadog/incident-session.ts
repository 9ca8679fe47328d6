// Write-back to Datadog incidents through the Incidents API v2 (`GET`/`PATCH
// /api/v2/incidents/{id}`, `DD-API-KEY` and `DD-APPLICATION-KEY`; body shape as Datadog's API
// clients send it: `{data: {id, type: "incidents", attributes: {fields: {state: {type: "dropdown",
// value}}}}}`). A linked ticket that is resolved or closed resolves its incident, reopened makes
// it active again. The incident is read first: a state someone set in Datadog since the hub last
// saw it is their change, applied to the ticket instead (PreconditionFailed). Creating incidents
// is not offered: link a ticket to an existing incident by its UUID.

import { z } from 'zod';
import { ExternalCallError, PreconditionFailed, type ConnectorSession, type ExternalItem } from '#domain/project/connector.ts';
import { ticketStatuses, type TicketStatus } from '#domain/ticket/fields.ts';
import { responseJson, sendRequest } from '#adapters/shared/http.ts';
import { hubStatusOfIncident, incidentStateFor } from './incidents.ts';

/** Datadog's API in the US1 site. */
export const defaultDatadogBaseUrl = 'https://api.datadoghq.com/';

const incidentSchema = z.object({
  data: z.object({
    id: z.string(),
    attributes: z.object({ fields: z.object({ state: z.object({ value: z.enum(['active', 'stable', 'resolved']) }) }) }),
  }),
});

/** The keys write-back needs. */
export interface DatadogApiSettings {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly appKey?: string | undefined;
}

/** A session resolving and reopening linked Datadog incidents. */
export function createDatadogIncidentSession(settings: DatadogApiSettings): ConnectorSession {
  const apiBase = settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`;
  const headers = (): Record<string, string> => {
    if (!settings.apiKey || !settings.appKey) {
      throw new ExternalCallError('rejected', 'Datadog write-back needs credentials.apiKey and credentials.appKey');
    }
    return { 'dd-api-key': settings.apiKey, 'dd-application-key': settings.appKey };
  };
  const url = (id: string) => new URL(`api/v2/incidents/${encodeURIComponent(id)}`, apiBase).toString();
  async function read(id: string, signal?: AbortSignal) {
    const response = await sendRequest({ url: url(id), headers: headers(), ...(signal ? { signal } : {}) });
    const parsed = incidentSchema.safeParse(responseJson(response));
    if (!parsed.success) throw new ExternalCallError('unavailable', 'Datadog answered GET /api/v2/incidents/{id} with an unexpected body');
    return parsed.data.data.attributes.fields.state.value;
  }
  const itemOf = (id: string, state: 'active' | 'stable' | 'resolved'): ExternalItem => {
    const now = Date.now();
    return { externalId: id, orderingKey: now, observedAtMs: now, fields: { status: hubStatusOfIncident(state) } };
  };
  const refuse = async (): Promise<never> => {
    throw new ExternalCallError('rejected', 'Datadog incidents arrive by webhook; link a ticket to an existing incident by its UUID');
  };
  return {
    async testConnection() {},
    fetchChanges: refuse,
    async fetchItem(externalId, signal) {
      try {
        return itemOf(externalId, await read(externalId, signal));
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    createItem: refuse,
    async updateItem(externalId, request) {
      const wanted = request.changed['status'];
      if (typeof wanted !== 'string' || !(ticketStatuses as readonly string[]).includes(wanted)) return { externalId };
      const target = incidentStateFor(wanted as TicketStatus);
      const current = await read(externalId, request.signal);
      const held = hubStatusOfIncident(current);
      const base = request.precondition?.base['status'];
      if (base !== undefined && base !== null && held !== base && held !== wanted) {
        throw new PreconditionFailed(`incident ${externalId} is ${current} in Datadog`, itemOf(externalId, current));
      }
      if (target === null || target === current) return { externalId, orderingKey: Date.now(), reportedValues: { status: held } };
      const body = { data: { id: externalId, type: 'incidents', attributes: { fields: { state: { type: 'dropdown', value: target } } } } };
      const signal = request.signal ? { signal: request.signal } : {};
      await sendRequest({ url: url(externalId), method: 'PATCH', headers: headers(), json: body, ...signal });
      // Keyed by the time of our write: notifications about earlier states cannot take the ticket back.
      return { externalId, orderingKey: Date.now(), reportedValues: { status: hubStatusOfIncident(target) } };
    },
  };
}
