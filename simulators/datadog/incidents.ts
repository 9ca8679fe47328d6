// A Datadog incidents stand-in: the Incidents API v2 subset Lockstep calls (`GET`/`PATCH
// /api/v2/incidents/{id}`, keys in `DD-API-KEY`/`DD-APPLICATION-KEY`, bodies as Datadog's API
// clients send them) and an incident notification rule posting the README's incident payload
// (the `$INCIDENT_*` webhook variables) to a webhook URL on every state change, ours included.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createDeliveryPacer, postDelivery } from '../shared/delivery-pacer.ts';

type State = 'active' | 'stable' | 'resolved';

/** An incident as held. */
export interface SimDatadogIncident {
  id: string;
  publicId: number;
  title: string;
  state: State;
  severity: string;
}

/** The running simulator. */
export interface DatadogIncidentsSimulator {
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly appKey: string;
  readonly incidents: ReadonlyMap<string, SimDatadogIncident>;
  /** Calls by route (`GET /api/v2/incidents/{id}`, `PATCH /api/v2/incidents/{id}`). */
  readonly calls: ReadonlyMap<string, number>;
  resetCalls(): void;
  /** Posts notifications to `url` (with `?secret=`). */
  notify(url: string): void;
  settled(): Promise<void>;
  readonly deliveryStatuses: readonly number[];
  /** A person declares an incident (a notification follows). */
  declare(title: string, severity?: string): SimDatadogIncident;
  /** A person changes an incident's state in Datadog (a notification follows). */
  personSetState(id: string, state: State): void;
}

/** A simulator; call start() before use. */
export function createDatadogIncidentsSimulator(): DatadogIncidentsSimulator {
  const apiKey = 'dd-api-key';
  const appKey = 'dd-app-key';
  const incidents = new Map<string, SimDatadogIncident>();
  const calls = new Map<string, number>();
  const statuses: number[] = [];
  const targets: string[] = [];
  const pacer = createDeliveryPacer();
  let server: Server | undefined;
  let origin = '';
  let publicIds = 0;

  function announce(incident: SimDatadogIncident): void {
    const body = JSON.stringify({
      id: randomUUID(),
      last_updated: String(Date.now()),
      event_type: 'incident_notification',
      incident_uuid: incident.id,
      incident_public_id: String(incident.publicId),
      incident_title: incident.title,
      incident_status: incident.state,
      incident_severity: incident.severity,
      incident_url: `https://app.datadoghq.com/incidents/${incident.publicId}`,
    });
    for (const url of targets) pacer.dispatch(() => postDelivery(url, { 'content-type': 'application/json' }, body, statuses), {});
  }

  const view = (incident: SimDatadogIncident) => ({
    data: {
      id: incident.id,
      type: 'incidents',
      attributes: {
        public_id: incident.publicId,
        title: incident.title,
        severity: incident.severity,
        state: incident.state,
        fields: { state: { type: 'dropdown', value: incident.state } },
      },
    },
  });
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', origin).pathname;
    const one = /^\/api\/v2\/incidents\/([^/]+)$/.exec(path);
    const route = `${method} ${one ? '/api/v2/incidents/{id}' : path}`;
    calls.set(route, (calls.get(route) ?? 0) + 1);
    if (req.headers['dd-api-key'] !== apiKey || req.headers['dd-application-key'] !== appKey) return send(res, 403, { errors: ['Forbidden'] });
    const incident = one ? incidents.get(decodeURIComponent(one[1] ?? '')) : undefined;
    if (!incident) return send(res, 404, { errors: ['Not found'] });
    if (method === 'GET') return send(res, 200, view(incident));
    if (method === 'PATCH') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        data?: { type?: string; attributes?: { fields?: { state?: { type?: string; value?: string } } } };
      };
      const state = body.data?.attributes?.fields?.state;
      if (body.data?.type !== 'incidents') return send(res, 400, { errors: ['data.type must be incidents'] });
      if (state && (state.type !== 'dropdown' || !['active', 'stable', 'resolved'].includes(String(state.value)))) {
        return send(res, 400, { errors: ['fields.state must be a dropdown of active, stable or resolved'] });
      }
      if (state && state.value !== incident.state) {
        incident.state = state.value as State;
        announce(incident);
      }
      return send(res, 200, view(incident));
    }
    return send(res, 405, { errors: ['Method not allowed'] });
  }

  return {
    async start() {
      server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => send(res, 500, { errors: [String(error)] }));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return origin;
    },
    async stop() {
      pacer.stop();
      await pacer.settled();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    get baseUrl() {
      return origin;
    },
    apiKey,
    appKey,
    incidents,
    calls,
    resetCalls: () => calls.clear(),
    notify: (url) => void targets.push(url),
    settled: () => pacer.settled(),
    deliveryStatuses: statuses,
    declare(title, severity = 'SEV-2') {
      publicIds += 1;
      const incident: SimDatadogIncident = { id: randomUUID(), publicId: publicIds, title, state: 'active', severity };
      incidents.set(incident.id, incident);
      announce(incident);
      return incident;
    },
    personSetState(id, state) {
      const incident = incidents.get(id);
      if (!incident) throw new Error(`simulator: no incident ${id}`);
      if (incident.state === state) return;
      incident.state = state;
      announce(incident);
    },
  };
}
