// A ServiceNow instance stand-in for tests, the demo and the bench: a real HTTP server on loopback
// speaking the Table API subset Lockstep uses (list with sysparm_query / _limit / _offset /
// _fields incl. dot-walked `assigned_to.user_name`, get, POST, PATCH, DELETE) on the task table,
// sys_user, sys_user_group and sys_journal_field; Basic and bearer auth, a read-only user (403 on
// writes), failures on request (429 with Retry-After, 5xx, answers lost after the write), and the
// README's business rules posting every change to the project's webhook URL (business-rules.ts).
// Tests act "as a person in ServiceNow" with `person*`.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBusinessRules, type BusinessRules, type RuleOptions } from './business-rules.ts';
import { parseQuery, runQuery, type Row } from './query.ts';
import { SimRefusal, SimStore } from './store.ts';

/** Simulator settings. */
export interface ServiceNowSimulatorOptions {
  /** The task table (default `incident`). */
  readonly table?: string;
  /** Accepted Basic credentials and bearer token. */
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  /** A user that can read everything and write nothing (403 on writes). */
  readonly readOnlyUser?: { readonly username: string; readonly password: string };
  readonly rules?: RuleOptions;
}

/** The running simulator. */
export interface ServiceNowSimulator {
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly instanceUrl: string;
  readonly store: SimStore;
  readonly rules: BusinessRules;
  /** API calls by endpoint (`GET /incident`, `PATCH /incident/{sys_id}`...), failed ones included. */
  readonly calls: ReadonlyMap<string, number>;
  resetCalls(): void;
  /** Answers the next `count` API calls with `status` (429: Retry-After `retryAfter` seconds, default 1). */
  failNext(count: number, status: number, options?: { retryAfter?: string }): void;
  /** Carries out the next `count` writes but answers them 504, as a proxy timing out would. */
  loseNextAnswers(count: number): void;
  /** A record as stored, or undefined. */
  record(sysId: string): Row | undefined;
  /** The `comments` journal of a record, oldest first. */
  comments(sysId: string): Row[];
  personCreate(values: Record<string, string>): Row;
  personEdit(sysId: string, values: Record<string, string>): Row;
  personComment(sysId: string, text: string): Row;
  personWorkNote(sysId: string, text: string): void;
  personEditComment(entryId: string, text: string): void;
  /** Inserts `count` records without business rules. */
  seed(count: number, values?: (index: number) => Record<string, string>): Row[];
}

const person = 'beth.anglin';
const api = '/api/now/table/';

/** A simulator; call start() before use. */
export function createServiceNowSimulator(options: ServiceNowSimulatorOptions = {}): ServiceNowSimulator {
  const username = options.username ?? 'lockstep.integration';
  const password = options.password ?? 'integration-password';
  const token = options.token ?? 'oauth-token';
  const rules = createBusinessRules(options.rules);
  const store: SimStore = new SimStore(options.table ?? 'incident', (change) => rules.fire(change, store.now()));
  store.addUser(username, 'Lockstep Integration');
  store.addUser(person, 'Beth Anglin');
  const calls = new Map<string, number>();
  const failures: Array<{ status: number; retryAfter: string }> = [];
  let lostAnswers = 0;
  let server: Server | undefined;
  let instanceUrl = '';

  /** The user a request authenticates as, and whether it may write. */
  function authenticate(request: IncomingMessage): { user: string; writes: boolean } | undefined {
    const header = request.headers.authorization ?? '';
    const basic = (u: string, p: string) => header === `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    if (header === `Bearer ${token}` || basic(username, password)) return { user: username, writes: true };
    const readOnly = options.readOnlyUser;
    if (readOnly && basic(readOnly.username, readOnly.password)) return { user: readOnly.username, writes: false };
    return undefined;
  }

  function send(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  }
  const failure = (response: ServerResponse, status: number, message: string, detail: string | null = null) =>
    send(response, status, { error: { message, detail }, status: 'failure' });

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
      const reference = field === 'assigned_to' ? 'sys_user' : field === 'assignment_group' ? 'sys_user_group' : undefined;
      out[field] = reference && links && value !== '' ? { link: `${instanceUrl}${api}${reference}/${value}`, value } : value;
    }
    return out;
  }

  async function readValues(request: IncomingMessage): Promise<Record<string, string>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SimRefusal(400, 'body must be a JSON object');
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, value === null ? '' : String(value)]));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', instanceUrl);
    const method = request.method ?? 'GET';
    if (!url.pathname.startsWith(api)) return failure(response, 400, 'Requested URI does not represent any resource');
    const [table = '', sysId, ...rest] = url.pathname.slice(api.length).split('/').map(decodeURIComponent);
    const endpoint = `${method} /${table}${sysId === undefined ? '' : '/{sys_id}'}`;
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + 1);
    const failing = failures.shift();
    if (failing) {
      const headers: Record<string, string> = failing.status === 429 ? { 'retry-after': failing.retryAfter } : {};
      return send(response, failing.status, { error: { message: 'Simulated failure', detail: null }, status: 'failure' }, headers);
    }
    const caller = authenticate(request);
    if (!caller) return failure(response, 401, 'User Not Authenticated', 'Required to provide Auth information');
    const rows = store.rows(table);
    if (!rows || rest.length > 0) return failure(response, 400, `Invalid table ${table}`);
    if (method !== 'GET' && !caller.writes) return failure(response, 403, 'Operation Failed', 'ACL Exception Update Failed due to security constraints');
    const lose = method !== 'GET' && lostAnswers > 0 ? (lostAnswers -= 1, true) : false;
    const answer = (status: number, payload?: unknown) => (lose ? failure(response, 504, 'Gateway Timeout') : send(response, status, payload));

    if (method === 'GET' && sysId === undefined) {
      const found = runQuery(rows.values(), parseQuery(url.searchParams.get('sysparm_query') ?? ''));
      const offset = Number(url.searchParams.get('sysparm_offset') ?? 0);
      const limit = Number(url.searchParams.get('sysparm_limit') ?? 10_000);
      return send(response, 200, { result: found.slice(offset, offset + limit).map((row) => shown(row, url)) });
    }
    if (method === 'GET') {
      const row = sysId ? rows.get(sysId) : undefined;
      return row ? send(response, 200, { result: shown(row, url) }) : failure(response, 404, 'No Record found', 'Record doesn\'t exist or ACL restricts the record retrieval');
    }
    const values = method === 'DELETE' ? {} : await readValues(request);
    if (method === 'POST' && sysId === undefined && table === store.table) return answer(201, { result: shown(store.insert(values, caller.user), url) });
    if (method === 'PATCH' && sysId && table === store.table) {
      const row = store.update(sysId, values, caller.user);
      return row ? answer(200, { result: shown(row, url) }) : failure(response, 404, 'No Record found');
    }
    if (method === 'PATCH' && sysId && table === 'sys_journal_field') {
      const row = store.writeJournal(sysId, values['value'] ?? '');
      return row ? answer(200, { result: shown(row, url) }) : failure(response, 404, 'No Record found');
    }
    if (method === 'DELETE' && sysId) {
      const gone = table === 'sys_journal_field' ? store.writeJournal(sysId, undefined) !== undefined : table === store.table && store.delete(sysId);
      return gone ? answer(204) : failure(response, 404, 'No Record found');
    }
    return failure(response, 405, `Method ${method} not supported on ${table}`);
  }

  const asPerson = <T>(write: () => T | undefined, what: string): T => {
    const done = write();
    if (done === undefined) throw new Error(`simulator: no ${what}`);
    return done;
  };

  return {
    async start() {
      server = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          if (error instanceof SimRefusal) failure(response, error.status, 'Operation Failed', error.message);
          else failure(response, 500, error instanceof Error ? error.message : String(error));
        });
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return instanceUrl;
    },
    async stop() {
      rules.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    get instanceUrl() {
      return instanceUrl;
    },
    store,
    rules,
    calls,
    resetCalls: () => calls.clear(),
    failNext(count, status, failOptions = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ status, retryAfter: failOptions.retryAfter ?? '1' });
    },
    loseNextAnswers(count) {
      lostAnswers += count;
    },
    record: (sysId) => store.records.get(sysId),
    comments: (sysId) => [...store.journal.values()].filter((entry) => entry['element_id'] === sysId && entry['element'] === 'comments'),
    personCreate: (values) => store.insert(values, person),
    personEdit: (sysId, values) => asPerson(() => store.update(sysId, values, person), `record ${sysId}`),
    personComment(sysId, text) {
      asPerson(() => store.update(sysId, { comments: text }, person), `record ${sysId}`);
      return [...store.journal.values()].filter((entry) => entry['element_id'] === sysId && entry['element'] === 'comments').at(-1) as Row;
    },
    personWorkNote: (sysId, text) => void asPerson(() => store.update(sysId, { work_notes: text }, person), `record ${sysId}`),
    personEditComment: (entryId, text) => void asPerson(() => store.writeJournal(entryId, text), `journal entry ${entryId}`),
    seed: (count, values) => Array.from({ length: count }, (_, index) => store.insert(values?.(index) ?? { short_description: `Seeded incident ${index + 1}` }, person, false)),
  };
}
