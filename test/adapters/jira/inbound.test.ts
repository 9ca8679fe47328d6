import { describe, expect, it } from 'vitest';
import { InvalidDelivery } from '#domain/project/connector.ts';
import { createJiraConnector } from '#adapters/jira/connector.ts';
import type { JiraExternalItem } from '#adapters/jira/items.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';

const connector = createJiraConnector();
const settings = { projectId: 'p-1', config: { baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS', userMap: { ann: '5b10ac8d82e05b22cc7d4ef5' } }, credentials: { email: 'a@b.c', apiToken: 't' } };

// Shaped after Jira Cloud's documented `jira:issue_updated` body (fields trimmed to what we read).
const updated = {
  timestamp: 1714557600123,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_generic',
  user: { self: 'https://acme.atlassian.net/rest/api/2/user?accountId=5b10ac8d82e05b22cc7d4ef5', accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ann Example', active: true },
  issue: {
    id: '10002',
    self: 'https://acme.atlassian.net/rest/api/2/10002',
    key: 'OPS-2',
    fields: {
      summary: 'Checkout fails on Safari',
      description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Steps ' }, { type: 'text', text: 'here', marks: [{ type: 'strong' }] }] }] },
      status: { self: 'x', name: 'In Progress', id: '3', statusCategory: { id: 4, key: 'indeterminate', name: 'In Progress' } },
      priority: { self: 'x', name: 'High', id: '2' },
      labels: ['web', 'checkout'],
      assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ann Example' },
      updated: '2024-05-01T10:00:00.100+0000',
      created: '2024-04-30T09:00:00.000+0000',
    },
  },
  changelog: { id: '10011', items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10000', fromString: 'To Do', to: '3', toString: 'In Progress' }] },
};

function delivery(body: unknown, headers: Record<string, string> = { 'x-atlassian-webhook-identifier': 'b7a1c2d3-0000-4000-8000-000000000001' }) {
  return { headers, query: {}, rawBody: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)) };
}

function problem(body: unknown): string {
  try {
    connector.parseDelivery(delivery(body), settings.config);
  } catch (error) {
    if (error instanceof InvalidDelivery) return error.message;
    throw error;
  }
  return 'no error';
}

describe('Jira webhook deliveries', () => {
  it('maps jira:issue_updated to hub values, ordered by updated and changelog id, with the actor', () => {
    const parsed = connector.parseDelivery(delivery(updated), settings.config);
    expect(parsed.deliveryId).toBe('jira:b7a1c2d3-0000-4000-8000-000000000001');
    expect(parsed.items).toEqual([
      {
        externalId: 'OPS-2',
        url: 'https://acme.atlassian.net/browse/OPS-2',
        orderingKey: '2024-05-01T10:00:00.100Z#00000000000000010011',
        observedAtMs: Date.parse('2024-05-01T10:00:00.100Z'),
        actor: 'Ann Example',
        fields: { title: 'Checkout fails on Safari', description: 'Steps **here**', status: 'in_progress', priority: 'p2', labels: ['checkout', 'web'], assignee: 'ann' },
      },
    ]);
  });

  it('orders a report without changelog (created) before a later change, and a deletion after both', () => {
    const { changelog: _changelog, ...created } = { ...updated, webhookEvent: 'jira:issue_created' };
    const [first] = connector.parseDelivery(delivery(created), settings.config).items;
    const [second] = connector.parseDelivery(delivery(updated), settings.config).items;
    const [gone] = connector.parseDelivery(delivery({ ...updated, webhookEvent: 'jira:issue_deleted', timestamp: Date.parse('2024-05-01T10:00:00.100Z') }), settings.config).items;
    expect(String(first?.orderingKey) < String(second?.orderingKey)).toBe(true);
    expect(String(second?.orderingKey) < String(gone?.orderingKey)).toBe(true);
    expect(gone).toMatchObject({ externalId: 'OPS-2', deleted: true, fields: {} });
  });

  it('falls back to a hash of the body for the delivery id, the same for the same bytes', () => {
    const a = connector.parseDelivery(delivery(updated, {}), settings.config).deliveryId;
    expect(a).toMatch(/^jira-body:[0-9a-f]{64}$/);
    expect(connector.parseDelivery(delivery(updated, {}), settings.config).deliveryId).toBe(a);
  });

  it('acknowledges comment events without items (comments are not mirrored)', () => {
    const comment = { timestamp: 1714557600999, webhookEvent: 'comment_created', comment: { id: '10050', body: { type: 'doc', version: 1, content: [] }, author: { accountId: 'x' } }, issue: updated.issue };
    expect(connector.parseDelivery(delivery(comment), settings.config).items).toEqual([]);
  });

  it('lists values it cannot map instead of dropping them, flags rich text and wiki descriptions', () => {
    const fields: Record<string, unknown> = { ...updated.issue.fields };
    const odd = { ...updated, issue: { ...updated.issue, fields } };
    fields['priority'] = { name: 'Blocker' };
    fields['status'] = { name: 'Waiting for vendor' };
    fields['assignee'] = { accountId: 'unknown-account' };
    fields['description'] = { type: 'doc', version: 1, content: [{ type: 'table', content: [] }] };
    const [item] = connector.parseDelivery(delivery(odd), settings.config).items as readonly JiraExternalItem[];
    expect(item?.fields).toEqual({ title: 'Checkout fails on Safari', description: '', labels: ['checkout', 'web'], assignee: 'jira:unknown-account' });
    expect(item?.mappingErrors).toEqual([
      expect.objectContaining({ field: 'status', value: 'Waiting for vendor' }),
      expect.objectContaining({ field: 'priority', value: 'Blocker' }),
    ]);
    expect(item?.richTextLoss).toEqual({ description: ['node "table"'] });
    fields['description'] = 'h1. Wiki markup from a v2-shaped webhook';
    const [wiki] = connector.parseDelivery(delivery(odd), settings.config).items as readonly JiraExternalItem[];
    expect(wiki?.needsFetch).toEqual(['description']);
    expect(wiki?.fields).not.toHaveProperty('description');
  });

  it('refuses bad bodies naming the problem', () => {
    expect(problem('{not json')).toBe('body: not JSON');
    expect(problem([])).toBe('body: must be a JSON object');
    expect(problem({ ...updated, timestamp: 'yesterday' })).toMatch(/^timestamp: /);
    expect(problem({ ...updated, issue: undefined })).toBe('issue: is required for jira:issue_updated');
    expect(problem({ ...updated, issue: { ...updated.issue, key: 7 } })).toMatch(/^issue\.key: /);
    expect(problem({ ...updated, issue: { ...updated.issue, fields: { ...updated.issue.fields, updated: 'soon' } } })).toBe('issue.fields.updated: must be a Jira timestamp');
  });

  it('verifies X-Hub-Signature over the raw body, or ?secret=', () => {
    const raw = JSON.stringify(updated);
    const signed = { headers: { 'X-Hub-Signature': signatureHeader('s3cret', raw) }, query: {}, rawBody: new TextEncoder().encode(raw) };
    expect(connector.verifyDelivery(signed, ['old', 's3cret'])).toBe(true);
    expect(connector.verifyDelivery(signed, ['other'])).toBe(false);
    expect(connector.verifyDelivery({ ...signed, headers: {}, query: { secret: 's3cret' } }, ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery({ ...signed, rawBody: new TextEncoder().encode(`${raw} `) }, ['s3cret'])).toBe(false);
  });
});
