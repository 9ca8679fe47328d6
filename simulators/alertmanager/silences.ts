// An Alertmanager silences API stand-in (API v2, as Alertmanager's OpenAPI spec defines it, and as
// Grafana serves it under `/api/alertmanager/grafana`): `GET /api/v2/silences` with `filter`
// matchers, `POST /api/v2/silences` answering `{silenceID}`, `DELETE /api/v2/silence/{id}`
// (expires it). Counts calls, checks an optional bearer token, and can lose answers.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** A silence as stored. */
export interface SimSilence {
  id: string;
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual: boolean }>;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  state: 'active' | 'expired';
  updatedAt: string;
}

/** The running simulator. */
export interface SilencesSimulator {
  start(): Promise<string>;
  stop(): Promise<void>;
  /** The API base to configure as `silenceUrl` (with the prefix, e.g. Grafana's). */
  readonly baseUrl: string;
  readonly silences: ReadonlyMap<string, SimSilence>;
  /** Silences not expired. */
  active(): SimSilence[];
  /** Calls by route (`GET /api/v2/silences`, `POST /api/v2/silences`, `DELETE /api/v2/silence/{id}`). */
  readonly calls: ReadonlyMap<string, number>;
  resetCalls(): void;
  /** Carries out the next `count` writes but answers them 504. */
  loseNextAnswers(count: number): void;
}

/** A simulator serving under `prefix` (e.g. `/api/alertmanager/grafana`); `token` demands a bearer token. */
export function createSilencesSimulator(options: { prefix?: string; token?: string } = {}): SilencesSimulator {
  const prefix = options.prefix ?? '';
  const silences = new Map<string, SimSilence>();
  const calls = new Map<string, number>();
  let lost = 0;
  let server: Server | undefined;
  let origin = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const view = (silence: SimSilence) => {
    const { state, ...rest } = silence;
    return { ...rest, status: { state } };
  };
  /** `name="value"` or `name=value` filters: the silence has that equality matcher. */
  const matchesFilter = (silence: SimSilence, filter: string) => {
    const found = /^([^=!~]+)=(.*)$/.exec(filter);
    if (!found) return false;
    const name = found[1]?.trim() ?? '';
    let value = found[2]?.trim() ?? '';
    if (value.startsWith('"')) value = JSON.parse(value) as string;
    return silence.matchers.some((m) => m.name === name && m.value === value && !m.isRegex && m.isEqual);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    const one = /^\/api\/v2\/silence\/([^/]+)$/.exec(path);
    calls.set(`${method} ${one ? '/api/v2/silence/{id}' : path}`, (calls.get(`${method} ${one ? '/api/v2/silence/{id}' : path}`) ?? 0) + 1);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { message: 'unauthorized' });
    const answer = (status: number, body: unknown) => {
      if (method !== 'GET' && lost > 0) {
        lost -= 1;
        return send(res, 504, { message: 'gateway timeout' });
      }
      return send(res, status, body);
    };
    if (method === 'GET' && path === '/api/v2/silences') {
      const filters = url.searchParams.getAll('filter');
      const found = [...silences.values()].filter((silence) => filters.every((filter) => matchesFilter(silence, filter)));
      return send(res, 200, found.map(view));
    }
    if (method === 'POST' && path === '/api/v2/silences') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<SimSilence>;
      if (!Array.isArray(body.matchers) || body.matchers.length === 0) return send(res, 400, 'silence must have at least one matcher');
      if (typeof body.createdBy !== 'string' || body.createdBy === '' || typeof body.comment !== 'string' || body.comment === '') {
        return send(res, 400, 'creator information and comment must be set');
      }
      if (typeof body.endsAt !== 'string' || typeof body.startsAt !== 'string') return send(res, 400, 'start and end time must be set');
      const silence: SimSilence = {
        id: randomUUID(),
        matchers: body.matchers,
        startsAt: body.startsAt,
        endsAt: body.endsAt,
        createdBy: body.createdBy,
        comment: body.comment,
        state: 'active',
        updatedAt: new Date().toISOString(),
      };
      silences.set(silence.id, silence);
      return answer(200, { silenceID: silence.id });
    }
    if (method === 'DELETE' && one) {
      const silence = silences.get(decodeURIComponent(one[1] ?? ''));
      if (!silence) return send(res, 404, 'silence not found');
      silence.state = 'expired';
      silence.endsAt = new Date().toISOString();
      return answer(200, undefined);
    }
    return send(res, 404, 'not found');
  }

  return {
    async start() {
      server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => send(res, 500, String(error)));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return `${origin}${prefix}`;
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    get baseUrl() {
      return `${origin}${prefix}`;
    },
    silences,
    active: () => [...silences.values()].filter((silence) => silence.state !== 'expired'),
    calls,
    resetCalls: () => calls.clear(),
    loseNextAnswers(count) {
      lost += count;
    },
  };
}
