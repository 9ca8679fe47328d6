// The PagerDuty REST API v2 calls write-back needs, as PagerDuty documents them
// (developer.pagerduty.com, "Incidents"): `Authorization: Token token=<apiToken>`, `From: <fromEmail>`
// on writes, `Accept: application/vnd.pagerduty+json;version=2`. Answers are parsed with zod;
// failures become ExternalCallErrors (shared/http.ts), which the engine retries or shows.

import { z } from 'zod';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { responseJson, sendRequest, type HttpMethod } from '#adapters/shared/http.ts';

const incidentSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  html_url: z.string().optional(),
  incident_key: z.string().nullable().optional(),
  title: z.string().optional(),
});
const oneSchema = z.object({ incident: incidentSchema });
const listSchema = z.object({ incidents: z.array(incidentSchema) });

/** An incident as the REST API answers it (the part Lockstep reads). */
export type RestIncident = z.output<typeof incidentSchema>;

/** What a new incident carries. */
export interface NewIncident {
  readonly title: string;
  readonly serviceId: string;
  readonly incidentKey: string;
  readonly details: string;
}

/** Calls for one account. */
export interface PagerDutyClient {
  getIncident(id: string, signal?: AbortSignal): Promise<RestIncident>;
  /** The open (triggered or acknowledged) incidents of `serviceId` with `incidentKey`. */
  openIncidentsWithKey(serviceId: string, incidentKey: string, signal?: AbortSignal): Promise<RestIncident[]>;
  createIncident(incident: NewIncident, signal?: AbortSignal): Promise<RestIncident>;
  setStatus(id: string, status: 'acknowledged' | 'resolved', signal?: AbortSignal): Promise<RestIncident>;
}

/** A client calling `baseUrl` with `apiToken`, writing as `fromEmail`. */
export function createPagerDutyClient(baseUrl: string, apiToken: string, fromEmail: string | undefined): PagerDutyClient {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  async function call<T>(schema: z.ZodType<T>, method: HttpMethod, path: string, json?: JsonValue, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Token token=${apiToken}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    };
    if (method !== 'GET') {
      if (!fromEmail) throw new ExternalCallError('rejected', 'PagerDuty writes need config.fromEmail (the From header)');
      headers['from'] = fromEmail;
    }
    const response = await sendRequest({
      url: new URL(path, base).toString(),
      method,
      headers,
      ...(json !== undefined ? { json } : {}),
      ...(signal ? { signal } : {}),
    });
    const parsed = schema.safeParse(responseJson(response));
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'invalid';
      throw new ExternalCallError('unavailable', `PagerDuty answered ${method} ${path} with an unexpected body: ${problem}`);
    }
    return parsed.data;
  }
  return {
    getIncident: async (id, signal) => (await call(oneSchema, 'GET', `incidents/${encodeURIComponent(id)}`, undefined, signal)).incident,
    async openIncidentsWithKey(serviceId, incidentKey, signal) {
      const query = new URLSearchParams([
        ['incident_key', incidentKey],
        ['service_ids[]', serviceId],
        ['statuses[]', 'triggered'],
        ['statuses[]', 'acknowledged'],
      ]);
      return (await call(listSchema, 'GET', `incidents?${query.toString()}`, undefined, signal)).incidents;
    },
    async createIncident(incident, signal) {
      const body = {
        incident: {
          type: 'incident',
          title: incident.title,
          service: { id: incident.serviceId, type: 'service_reference' },
          incident_key: incident.incidentKey,
          body: { type: 'incident_body', details: incident.details },
        },
      };
      return (await call(oneSchema, 'POST', 'incidents', body, signal)).incident;
    },
    async setStatus(id, status, signal) {
      const body = { incident: { type: 'incident_reference', status } };
      return (await call(oneSchema, 'PUT', `incidents/${encodeURIComponent(id)}`, body, signal)).incident;
    },
  };
}
