// The HTTP half of the ServiceNow simulator: the Table API subset Lockstep calls, answered as an
// instance answers (`{"result": ...}`, errors as `{"error": {message, detail}, "status": "failure"}`),
// after the faults a test asked for (429 with Retry-After, 5xx, a write carried out whose answer
// is lost) and authentication (Basic, bearer, and a read-only user whose writes get 403).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseQuery, runQuery, type Row } from './query.ts';
import { SimRefusal, type SimStore } from './store.ts';

/** Who may call, as what. */
export interface SimAccounts {
  readonly username: string;
  readonly password: string;
  readonly token: string;
  readonly readOnlyUser?: { readonly username: string; readonly password: string } | undefined;
}

/** Faults the next calls meet, in order. */
export interface SimFaults {
  readonly failures: Array<{ status: number; retryAfter: string }>;
  lostAnswers: number;
}

const api = '/api/now/table/';
const journalTable = 'sys_journal_field';

function send(response: ServerResponse, status: number, payload?: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(payload === undefined ? undefined : JSON.stringify(payload));
}

/** Answers `status` with ServiceNow's error body. */
export function sendFailure(response: ServerResponse, status: number, message: string, detail: string | null = null) {
  send(response, status, { error: { message, detail }, status: 'failure' });
}

async function readValues(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimRefusal(400, 'body must be a JSON object');
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** The request handler over `store`; `calls` counts calls by endpoint. */
export function createTableApi(store: SimStore, accounts: SimAccounts, faults: SimFaults, calls: Map<string, number>) {
  const basic = (header: string, user: string, password: string) =>
    header === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  function authenticate(request: IncomingMessage): { user: string; writes: boolean } | undefined {
    const header = request.headers.authorization ?? '';
    if (header === `Bearer ${accounts.token}` || basic(header, accounts.username, accounts.password)) {
      return { user: accounts.username, writes: true };
    }
    const readOnly = accounts.readOnlyUser;
    const reader = readOnly && basic(header, readOnly.username, readOnly.password);
    return reader ? { user: readOnly.username, writes: false } : undefined;
  }

  /** A row as the Table API shows it: the asked fields, references as sys_ids or {link, value}. */
  function shown(row: Row, url: URL): Record<string, unknown> {
    const fields = url.searchParams.get('sysparm_fields')?.split(',').filter((f) => f !== '');
    const links = url.searchParams.get('sysparm_exclude_reference_link') !== 'true';
    const out: Record<string, unknown> = {};
    for (const field of fields ?? Object.keys(row)) {
      const [head = '', walk] = field.split('.');
      if (walk !== undefined) {
        if (head === 'assigned_to') out[field] = store.users.get(row['assigned_to'] ?? '')?.[walk] ?? '';
        continue;
      }
      const value = row[field];
      if (value === undefined) continue;
      const target = ({ assigned_to: 'sys_user', assignment_group: 'sys_user_group' } as Record<string, string>)[field];
      out[field] = target && links && value !== '' ? { link: `${url.origin}${api}${target}/${value}`, value } : value;
    }
    return out;
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const [table = '', sysId, ...rest] = url.pathname.slice(api.length).split('/').map(decodeURIComponent);
    const caller = authenticate(request);
    if (!caller) return sendFailure(response, 401, 'User Not Authenticated', 'Required to provide Auth information');
    const rows = store.rows(table);
    if (!rows || rest.length > 0) return sendFailure(response, 400, `Invalid table ${table}`);
    if (method !== 'GET' && !caller.writes) {
      return sendFailure(response, 403, 'Operation Failed', 'ACL Exception Update Failed due to security constraints');
    }
    const lose = method !== 'GET' && faults.lostAnswers > 0;
    if (lose) faults.lostAnswers -= 1;
    const answer = (status: number, row?: Row) =>
      lose ? sendFailure(response, 504, 'Gateway Timeout') : send(response, status, row && { result: shown(row, url) });
    const missing = () => sendFailure(response, 404, 'No Record found', "Record doesn't exist or ACL restricts it");

    if (method === 'GET' && sysId === undefined) {
      const found = runQuery(rows.values(), parseQuery(url.searchParams.get('sysparm_query') ?? ''));
      const offset = Number(url.searchParams.get('sysparm_offset') ?? 0);
      const limit = Number(url.searchParams.get('sysparm_limit') ?? 10_000);
      return send(response, 200, { result: found.slice(offset, offset + limit).map((row) => shown(row, url)) });
    }
    if (method === 'GET') {
      const row = sysId ? rows.get(sysId) : undefined;
      return row ? send(response, 200, { result: shown(row, url) }) : missing();
    }
    const values = method === 'DELETE' ? {} : await readValues(request);
    const task = table === store.table;
    if (method === 'POST' && sysId === undefined && task) return answer(201, store.insert(values, caller.user));
    if (method === 'PATCH' && sysId && (task || table === journalTable)) {
      const row = task ? store.update(sysId, values, caller.user) : store.writeJournal(sysId, values['value'] ?? '');
      return row ? answer(200, row) : missing();
    }
    if (method === 'DELETE' && sysId && (task || table === journalTable)) {
      const gone = task ? store.delete(sysId) : store.writeJournal(sysId, undefined) !== undefined;
      return gone ? answer(204) : missing();
    }
    return sendFailure(response, 405, `Method ${method} not supported on ${table}`);
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    if (!url.pathname.startsWith(api)) return sendFailure(response, 400, 'Requested URI does not represent a resource');
    const [table = '', sysId] = url.pathname.slice(api.length).split('/');
    const endpoint = `${request.method ?? 'GET'} /${table}${sysId === undefined ? '' : '/{sys_id}'}`;
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + 1);
    const failing = faults.failures.shift();
    if (failing) {
      const headers: Record<string, string> = failing.status === 429 ? { 'retry-after': failing.retryAfter } : {};
      const payload = { error: { message: 'Simulated failure', detail: null }, status: 'failure' };
      return send(response, failing.status, payload, headers);
    }
    try {
      await route(request, response, url);
    } catch (error) {
      if (error instanceof SimRefusal) sendFailure(response, error.status, 'Operation Failed', error.message);
      else sendFailure(response, 500, error instanceof Error ? error.message : String(error));
    }
  };
}
