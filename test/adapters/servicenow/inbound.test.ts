import { describe, expect, it } from 'vitest';
import { InvalidDelivery } from '#domain/project/connector.ts';
import { createServiceNowConnector } from '#adapters/servicenow/connector.ts';
import { docsJournal } from './samples.ts';

const connector = createServiceNowConnector();
const config = { instanceUrl: 'https://acme.service-now.com', table: 'incident', closeCode: 'Solved (Permanently)' };
// The README business rule's body for the documented incident (see samples.ts).
const record = {
  sys_id: 'a9e30c7dc61122760116894de7bcc7bd',
  number: 'INC0000046',
  sys_updated_on: '2015-11-01 22:37:27',
  sys_mod_count: '4',
  table: 'incident',
  operation: 'update',
};

function delivery(body: unknown, options: { headers?: Record<string, string>; query?: Record<string, string> } = {}) {
  const rawBody = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
  return { headers: options.headers ?? {}, query: options.query ?? {}, rawBody };
}

function problem(body: unknown): string {
  try {
    connector.parseDelivery(delivery(body), config);
    return '';
  } catch (error) {
    return error instanceof InvalidDelivery ? error.message : `not an InvalidDelivery: ${String(error)}`;
  }
}

describe('ServiceNow deliveries', () => {
  it('accepts ?secret= or HTTP Basic with the secret as password, and nothing else', () => {
    const basic = (user: string, password: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    });
    expect(connector.verifyDelivery(delivery(record, { query: { secret: 's3cret' } }), ['old', 's3cret'])).toBe(true);
    const proven = delivery(record, { headers: basic('servicenow', 's3cret') });
    expect(connector.verifyDelivery(proven, ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(delivery(record, { headers: basic('s3cret', 'wrong') }), ['s3cret'])).toBe(false);
    expect(connector.verifyDelivery(delivery(record, { query: { secret: 'wrong' } }), ['s3cret'])).toBe(false);
    expect(connector.verifyDelivery(delivery(record), ['s3cret'])).toBe(false);
  });

  it('names the record and asks the engine to read it, with an id stable across resends', () => {
    const parsed = connector.parseDelivery(delivery(record), config);
    expect(parsed.deliveryId).toBe('servicenow:a9e30c7dc61122760116894de7bcc7bd:4');
    expect(parsed.items).toEqual([
      {
        externalId: record.sys_id,
        url: 'https://acme.service-now.com/incident.do?sys_id=a9e30c7dc61122760116894de7bcc7bd',
        orderingKey: '000000000004',
        observedAtMs: Date.UTC(2015, 10, 1, 22, 37, 27),
        fields: {},
        needsFetch: ['title', 'description', 'status', 'priority', 'assignee'],
      },
    ]);
    // sys_mod_count orders reports as strings do: 10 after 9.
    const later = connector.parseDelivery(delivery({ ...record, sys_mod_count: 10 }), config).items[0]?.orderingKey;
    expect((later ?? '') > '000000000009').toBe(true);
  });

  it('reports a deleted record after every update with the same count', () => {
    const parsed = connector.parseDelivery(delivery({ ...record, operation: 'delete' }), config);
    expect(parsed.items[0]).toMatchObject({ deleted: true, orderingKey: '000000000004~deleted' });
  });

  it('ignores other tables and work notes; a comment entry becomes one comment', () => {
    expect(connector.parseDelivery(delivery({ ...record, table: 'problem' }), config).items).toEqual([]);
    const entry = { ...docsJournal[1], operation: 'insert' };
    expect(connector.parseDelivery(delivery({ ...entry, element: 'work_notes' }), config).comments ?? []).toEqual([]);
    const parsed = connector.parseDelivery(delivery(entry), config);
    const at = Date.UTC(2019, 8, 26, 21, 3, 7);
    expect(parsed.comments).toEqual([
      {
        itemExternalId: entry.element_id,
        externalId: entry.sys_id,
        body: 'This is Sev1 incident.',
        author: 'admin',
        createdAtMs: at,
        updatedAtMs: at,
      },
    ]);
    const edit = { ...entry, value: 'Sev2 now.', operation: 'update', reported_at: '2019-09-26 22:00:00' };
    const edited = connector.parseDelivery(delivery(edit), config);
    expect(edited.deliveryId).not.toBe(parsed.deliveryId);
    expect(edited.comments?.[0]).toMatchObject({ body: 'Sev2 now.', updatedAtMs: Date.UTC(2019, 8, 26, 22) });
  });

  it('answers a malformed body with the problem named', () => {
    expect(problem('not json')).toMatch(/not JSON/);
    expect(problem({ number: 'INC1', sys_updated_on: '2015-11-01 22:37:27', sys_mod_count: 1 })).toMatch(/sys_id/);
    expect(problem({ ...record, sys_mod_count: 'four' })).toMatch(/sys_mod_count: must be a whole number/);
    expect(problem({ ...record, sys_updated_on: '2015-11-01T22:37:27Z' })).toMatch(/sys_updated_on/);
  });
});
