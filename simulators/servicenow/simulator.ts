// A ServiceNow instance stand-in for tests, the demo and the bench: a real HTTP server on loopback
// speaking the Table API subset Lockstep uses (table-api.ts) over the task table, sys_user,
// sys_user_group and sys_journal_field (store.ts), with the README's business rules posting every
// change to the project's webhook URL (business-rules.ts). Tests act "as a person in ServiceNow"
// with `person*` and inject faults with `failNext` / `loseNextAnswers`.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBusinessRules, type BusinessRules, type RuleOptions } from './business-rules.ts';
import type { Row } from './query.ts';
import { SimStore } from './store.ts';
import { createTableApi, type SimFaults } from './table-api.ts';

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
  /** Adds a comment the way a person does (through the record's `comments` field); the new entry. */
  personComment(sysId: string, text: string): Row;
  personWorkNote(sysId: string, text: string): void;
  personEditComment(entryId: string, text: string): void;
  /** Inserts `count` records without business rules. */
  seed(count: number, values?: (index: number) => Record<string, string>): Row[];
}

/** The user people act as in tests. */
export const simPerson = 'beth.anglin';

/** A simulator; call start() before use. */
export function createServiceNowSimulator(options: ServiceNowSimulatorOptions = {}): ServiceNowSimulator {
  const accounts = {
    username: options.username ?? 'lockstep.integration',
    password: options.password ?? 'integration-password',
    token: options.token ?? 'oauth-token',
    readOnlyUser: options.readOnlyUser,
  };
  const rules = createBusinessRules(options.rules);
  const store: SimStore = new SimStore(options.table ?? 'incident', (change) => rules.fire(change, store.now()));
  store.addUser(accounts.username, 'Lockstep Integration');
  store.addUser(simPerson, 'Beth Anglin');
  const calls = new Map<string, number>();
  const faults: SimFaults = { failures: [], lostAnswers: 0 };
  const handle = createTableApi(store, accounts, faults, calls);
  let server: Server | undefined;
  let instanceUrl = '';

  const commentsOf = (sysId: string) =>
    [...store.journal.values()].filter((entry) => entry['element_id'] === sysId && entry['element'] === 'comments');
  function asPerson<T>(write: () => T | undefined, what: string): T {
    const done = write();
    if (done === undefined) throw new Error(`simulator: no ${what}`);
    return done;
  }

  return {
    async start() {
      server = createServer((request, response) => void handle(request, response));
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
      for (let i = 0; i < count; i += 1) faults.failures.push({ status, retryAfter: failOptions.retryAfter ?? '1' });
    },
    loseNextAnswers(count) {
      faults.lostAnswers += count;
    },
    record: (sysId) => store.records.get(sysId),
    comments: commentsOf,
    personCreate: (values) => store.insert(values, simPerson),
    personEdit: (sysId, values) => asPerson(() => store.update(sysId, values, simPerson), `record ${sysId}`),
    personComment(sysId, text) {
      asPerson(() => store.update(sysId, { comments: text }, simPerson), `record ${sysId}`);
      return asPerson(() => commentsOf(sysId).at(-1), `comment on ${sysId}`);
    },
    personWorkNote(sysId, text) {
      asPerson(() => store.update(sysId, { work_notes: text }, simPerson), `record ${sysId}`);
    },
    personEditComment(entryId, text) {
      asPerson(() => store.writeJournal(entryId, text), `journal entry ${entryId}`);
    },
    seed: (count, values) =>
      Array.from({ length: count }, (_, index) =>
        store.insert(values?.(index) ?? { short_description: `Seeded incident ${index + 1}` }, simPerson, false),
      ),
  };
}
