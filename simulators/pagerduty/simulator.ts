// A PagerDuty stand-in for tests and the demo: a real HTTP server on loopback speaking the REST API
// v2 subset Lockstep uses (GET/PUT /incidents/{id}, GET/POST /incidents), checking
// `Authorization: Token token=...` and the `From` header on writes, refusing a second open incident
// with the same `incident_key` on a service (400, as PagerDuty documents for incident_key), and
// posting a signed v3 webhook for every change back to its subscriptions (so echoes are tested).
// Request and answer shapes follow PagerDuty's API reference and its API_Ruby_Examples
// (REST_API_v2/Incidents/update_incident.rb); the duplicate-key error text is our own wording.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import { createDeliveryPacer, postDelivery } from '../shared/delivery-pacer.ts';
import { pagerDutyBody } from './webhooks.ts';

type Status = 'triggered' | 'acknowledged' | 'resolved';

/** An incident as the simulator holds it. */
export interface SimIncident {
  id: string;
  number: number;
  title: string;
  status: Status;
  incidentKey: string | null;
  serviceId: string;
  details: string;
  createdAt: Date;
  html_url: string;
}

/** Simulator settings. */
export interface PagerDutySimulatorOptions {
  readonly apiToken?: string;
  /** Services that exist (default `PSVC001`). */
  readonly serviceIds?: readonly string[];
}

/** The running simulator. */
export interface PagerDutySimulator {
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly baseUrl: string;
  readonly apiToken: string;
  readonly incidents: ReadonlyMap<string, SimIncident>;
  /** REST calls by route (`POST /incidents`, `PUT /incidents/{id}`...), failed ones included. */
  readonly calls: ReadonlyMap<string, number>;
  /** The `From` header of each write, in order. */
  readonly writers: readonly string[];
  resetCalls(): void;
  /** Posts every change to `url` signed with `secret` (a v3 webhook subscription). */
  subscribe(url: string, secret: string): void;
  /** Carries out the next `count` writes but answers them 504, as a proxy timing out would. */
  loseNextAnswers(count: number): void;
  /** Resolves when every webhook sent so far has been answered. */
  settled(): Promise<void>;
  /** The HTTP statuses Lockstep answered to the webhooks, in order. */
  readonly deliveryStatuses: readonly number[];
  /** A person's changes in PagerDuty's own UI (a webhook follows, as for API writes). */
  personTrigger(title: string, options?: { incidentKey?: string; serviceId?: string }): SimIncident;
  personSetStatus(id: string, status: Status): SimIncident;
}

const eventOf: Record<Status, 'incident.triggered' | 'incident.acknowledged' | 'incident.resolved'> = {
  triggered: 'incident.triggered',
  acknowledged: 'incident.acknowledged',
  resolved: 'incident.resolved',
};

/** A simulator; call start() before use. */
export function createPagerDutySimulator(options: PagerDutySimulatorOptions = {}): PagerDutySimulator {
  const apiToken = options.apiToken ?? 'pd-rest-token';
  const services = new Set(options.serviceIds ?? ['PSVC001']);
  const incidents = new Map<string, SimIncident>();
  const calls = new Map<string, number>();
  const writers: string[] = [];
  const subscriptions: Array<{ url: string; secret: string }> = [];
  const deliveryStatuses: number[] = [];
  const pacer = createDeliveryPacer();
  let lostAnswers = 0;
  let server: Server | undefined;
  let baseUrl = '';
  let numbers = 0;

  function view(incident: SimIncident): Record<string, unknown> {
    return {
      id: incident.id,
      type: 'incident',
      incident_number: incident.number,
      title: incident.title,
      status: incident.status,
      incident_key: incident.incidentKey,
      created_at: incident.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      html_url: incident.html_url,
      service: { id: incident.serviceId, type: 'service_reference', summary: 'Checkout' },
      urgency: 'high',
      priority: null,
    };
  }

  function announce(incident: SimIncident, agent: string): void {
    const body = pagerDutyBody({ incidentId: incident.id, type: eventOf[incident.status], title: incident.title, createdAt: incident.createdAt });
    const event = body['event'] as Record<string, unknown>;
    event['agent'] = { id: 'PUSER01', type: 'user_reference', summary: agent };
    event['data'] = { ...(event['data'] as Record<string, unknown>), ...view(incident), number: incident.number, incident_number: undefined };
    const raw = JSON.stringify(body);
    for (const { url, secret } of subscriptions) {
      const headers = {
        'content-type': 'application/json',
        'x-pagerduty-signature': `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`,
        'x-webhook-id': randomUUID(),
      };
      pacer.dispatch(() => postDelivery(url, headers, raw, deliveryStatuses), {});
    }
  }

  function open(title: string, serviceId: string, incidentKey: string | null, details: string): SimIncident {
    numbers += 1;
    const id = `Q${String(numbers).padStart(4, '0')}SIM`;
    const incident: SimIncident = {
      id,
      number: numbers,
      title,
      status: 'triggered',
      incidentKey,
      serviceId,
      details,
      createdAt: new Date(),
      html_url: `${baseUrl}/incidents/${id}`,
    };
    incidents.set(id, incident);
    return incident;
  }

  function move(incident: SimIncident, status: Status, agent: string): void {
    if (incident.status === status) return;
    incident.status = status;
    announce(incident, agent);
  }

  const count = (route: string) => calls.set(route, (calls.get(route) ?? 0) + 1);
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, message: string) =>
    send(res, 400, { error: { message: 'Invalid Input Provided', code: 2001, errors: [message] } });

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const one = /^\/incidents\/([^/]+)$/.exec(url.pathname);
    const route = `${method} ${one ? '/incidents/{id}' : url.pathname}`;
    count(route);
    if (req.headers.authorization !== `Token token=${apiToken}`) return send(res, 401, { error: { message: 'Unauthorized', code: 2006 } });
    const writing = method !== 'GET';
    const from = req.headers['from'];
    if (writing && typeof from !== 'string') return send(res, 400, { error: { message: 'Requester User Not Found', code: 2100 } });
    if (writing) writers.push(String(from));
    const body = writing ? ((await readBody(req)) as { incident?: Record<string, unknown> } | undefined) : undefined;
    const answer = (status: number, payload: unknown) => {
      // A lost answer: the write happened, the caller hears a gateway timeout.
      if (writing && lostAnswers > 0) {
        lostAnswers -= 1;
        return send(res, 504, { error: 'gateway timeout' });
      }
      return send(res, status, payload);
    };
    if (method === 'GET' && url.pathname === '/incidents') {
      const key = url.searchParams.get('incident_key');
      const serviceIds = url.searchParams.getAll('service_ids[]');
      const statuses = url.searchParams.getAll('statuses[]');
      const found = [...incidents.values()].filter(
        (incident) =>
          (key === null || incident.incidentKey === key) &&
          (serviceIds.length === 0 || serviceIds.includes(incident.serviceId)) &&
          (statuses.length === 0 || statuses.includes(incident.status)),
      );
      return send(res, 200, { incidents: found.map(view), limit: 25, offset: 0, more: false, total: null });
    }
    if (method === 'POST' && url.pathname === '/incidents') {
      const incident = body?.incident;
      const service = incident?.['service'] as { id?: unknown } | undefined;
      const title = incident?.['title'];
      if (incident?.['type'] !== 'incident' || typeof title !== 'string' || title === '') return invalid(res, 'Incident type and title are required');
      if (typeof service?.id !== 'string' || !services.has(service.id)) return invalid(res, 'Service not found');
      const key = typeof incident['incident_key'] === 'string' ? incident['incident_key'] : null;
      const openWithKey = [...incidents.values()].some(
        (other) => key !== null && other.incidentKey === key && other.serviceId === service.id && other.status !== 'resolved',
      );
      if (openWithKey) return invalid(res, `Open incident with key '${key}' already exists on this service`);
      const details = (incident['body'] as { details?: unknown } | undefined)?.details;
      const created = open(title, service.id, key, typeof details === 'string' ? details : '');
      announce(created, String(from));
      return answer(201, { incident: view(created) });
    }
    const incident = one ? incidents.get(decodeURIComponent(one[1] ?? '')) : undefined;
    if (one && !incident) return send(res, 404, { error: { message: 'Not Found', code: 2100 } });
    if (method === 'GET' && incident) return send(res, 200, { incident: view(incident) });
    if (method === 'PUT' && incident) {
      const status = body?.incident?.['status'];
      if (body?.incident?.['type'] !== 'incident_reference' && body?.incident?.['type'] !== 'incident') return invalid(res, 'Incident type is required');
      if (status !== 'acknowledged' && status !== 'resolved') return invalid(res, 'Status must be acknowledged or resolved');
      if (incident.status === 'resolved') return invalid(res, 'Incident Already Resolved');
      move(incident, status, String(from));
      return answer(200, { incident: view(incident) });
    }
    return send(res, 404, { error: { message: 'Not Found', code: 2100 } });
  }

  return {
    async start() {
      server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return baseUrl;
    },
    async stop() {
      pacer.stop();
      await pacer.settled();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    get baseUrl() {
      return baseUrl;
    },
    apiToken,
    incidents,
    calls,
    writers,
    resetCalls: () => calls.clear(),
    subscribe: (url, secret) => void subscriptions.push({ url, secret }),
    loseNextAnswers(n) {
      lostAnswers += n;
    },
    settled: () => pacer.settled(),
    deliveryStatuses,
    personTrigger(title, person = {}) {
      const created = open(title, person.serviceId ?? [...services][0] ?? 'PSVC001', person.incidentKey ?? null, '');
      announce(created, 'Pat Person');
      return created;
    },
    personSetStatus(id, status) {
      const incident = incidents.get(id);
      if (!incident) throw new Error(`simulator: no incident ${id}`);
      move(incident, status, 'Pat Person');
      return incident;
    },
  };
}
