// Custom fields through the Jira session against the simulator: the connection test checks the
// configured field ids, field types are read once for the project's sessions, writes go by option
// id when known, reads come back as hub values, and the simulator answers like Jira (400 naming
// the field).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { createJiraConnector } from '#adapters/jira/connector.ts';
import { createJiraSimulator, sampleCustomFields, type JiraSimulator, type SimCustomField } from '#simulators/jira/simulator.ts';

const connector = createJiraConnector({ timeoutMs: 2_000 });
const customFields: SimCustomField[] = [sampleCustomFields.team, sampleCustomFields.storyPoints, sampleCustomFields.notes];
let sim: JiraSimulator;
let settings: { projectId: string; config: Record<string, JsonValue>; credentials: Record<string, string> };
const auth = { authorization: `Basic ${Buffer.from('bot@example.com:api-token').toString('base64')}`, 'content-type': 'application/json' };

function request(changed: Record<string, unknown>) {
  return { deliveryId: `d-${Math.random()}`, ticketId: 't-1', changed: changed as never, ticket: { title: 'From the hub' } };
}

async function failure(promise: Promise<unknown>): Promise<ExternalCallError> {
  const error: unknown = await promise.then(() => undefined, (thrown: unknown) => thrown);
  if (!(error instanceof ExternalCallError)) throw new Error(`expected an ExternalCallError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  sim = createJiraSimulator({ customFields });
  const baseUrl = await sim.start();
  settings = {
    projectId: 'p-1',
    config: {
      baseUrl,
      projectKey: 'OPS',
      customFields: { team: { fieldId: 'customfield_10050', options: { payments: '10100', platform: { value: 'Platform' } } }, points: 'customfield_10016', notes: 'customfield_10060' },
    },
    credentials: { email: 'bot@example.com', apiToken: 'api-token' },
  };
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(() => sim.resetCalls());

describe('Jira custom fields against the simulator', () => {
  it('lists system and custom fields with their schema, like GET /rest/api/3/field', async () => {
    const fields = (await (await fetch(`${sim.baseUrl}/rest/api/3/field`, { headers: auth })).json()) as Array<{ id: string; custom: boolean; schema: Record<string, unknown> }>;
    expect(fields.find((f) => f.id === 'summary')).toMatchObject({ custom: false, schema: { type: 'string', system: 'summary' } });
    expect(fields.find((f) => f.id === 'customfield_10050')).toMatchObject({ custom: true, schema: { type: 'option', customId: 10050 } });
  });

  it('checks the configured field ids when testing the connection, naming a missing one', async () => {
    await connector.open(settings).testConnection();
    expect(sim.calls.get('GET /rest/api/3/field')).toBe(1);
    const config = { ...settings.config, customFields: { team: 'customfield_10050', ghost: 'customfield_99999' } };
    const error = await failure(connector.open({ ...settings, config }).testConnection());
    expect(error.kind).toBe('rejected');
    expect(error.message).toBe('config.customFields.ghost.fieldId: Jira has no field customfield_99999 (or this account cannot see it)');
  });

  it('creates with the ticket values (options by id), reads them back as hub values, and reads the field types once for all sessions', async () => {
    const fresh = createJiraConnector({ timeoutMs: 2_000 });
    const session = fresh.open(settings);
    const created = await session.createItem(request({ title: 'Refunds stuck', 'customFields.team': 'payments', 'customFields.points': 3, 'customFields.notes': 'Check the **queue**' }));
    const key = created.externalId ?? '';
    // The map names Payments by id only and the simulator matches values exactly: only {id} works.
    expect(sim.issue(key)?.custom).toEqual({ customfield_10050: '10100', customfield_10016: 3, customfield_10060: expect.objectContaining({ type: 'doc' }) as unknown });
    // The engine opens a session per job: the next one reuses what the first learned.
    await fresh.open(settings).updateItem(key, request({ 'customFields.team': 'platform' }));
    expect(sim.issue(key)?.custom['customfield_10050']).toBe('10101');
    expect(sim.calls.get('GET /rest/api/3/field')).toBe(1);
    const read = await session.fetchItem(key);
    expect(read?.fields).toMatchObject({ 'customFields.team': 'platform', 'customFields.points': 3, 'customFields.notes': 'Check the **queue**' });
  });

  it('refuses a hub value with no option before calling Jira, naming field and value', async () => {
    const session = connector.open(settings);
    const { externalId } = await session.createItem(request({ title: 'Launch page' }));
    sim.resetCalls();
    const error = await failure(session.updateItem(externalId ?? '', request({ 'customFields.team': 'marketing' })));
    expect(error.kind).toBe('rejected');
    expect(error.message).toMatch(/^customFields\.team "marketing" cannot be mapped to Jira customfield_10050: no option/);
    expect(sim.calls.get('PUT /rest/api/3/issue/{key}')).toBeUndefined();
  });

  it('reports an option a person picked that the map cannot read as a mapping error, with the other fields read', async () => {
    const session = connector.open(settings);
    const { externalId } = await session.createItem(request({ title: 'Campaign', 'customFields.points': 1 }));
    const key = externalId ?? '';
    sim.personEdit(key, { customFields: { customfield_10050: { value: 'Marketing' }, customfield_10016: 8 } });
    const read = await session.fetchItem(key);
    expect(read?.fields['customFields.points']).toBe(8);
    expect(read?.fields).not.toHaveProperty('customFields.team');
    expect(read?.mappingErrors).toEqual([
      expect.objectContaining({ field: 'customFields.team', message: expect.stringMatching(/Jira option "Marketing" \(id 10102\) of customfield_10050 matches no entry/) as unknown }),
    ]);
    const change = JSON.parse(sim.webhooks.deliveries.at(-1)?.body ?? '{}') as { changelog: { items: unknown[] } };
    expect(change.changelog.items).toEqual(
      expect.arrayContaining([{ field: 'Team', fieldtype: 'custom', fieldId: 'customfield_10050', fromString: null, toString: 'Marketing' }]),
    );
  });

  it('answers an invalid custom value like Jira: 400 naming the field', async () => {
    const session = connector.open(settings);
    const { externalId } = await session.createItem(request({ title: 'Validation' }));
    const put = (fields: Record<string, unknown>) => fetch(`${sim.baseUrl}/rest/api/3/issue/${externalId ?? ''}`, { method: 'PUT', headers: auth, body: JSON.stringify({ fields }) });
    const unknownOption = await put({ customfield_10050: { value: 'Nope' } });
    expect(unknownOption.status).toBe(400);
    expect(await unknownOption.json()).toEqual({ errorMessages: [], errors: { customfield_10050: "Option value 'Nope' is not valid" } });
    expect(await (await put({ customfield_10050: { id: '999' } })).json()).toEqual({ errorMessages: [], errors: { customfield_10050: "Option id '999' is not valid" } });
    expect(await (await put({ customfield_10060: 'plain text' })).json()).toMatchObject({ errors: { customfield_10060: expect.stringMatching(/Atlassian Document/) as unknown } });
    expect(await (await put({ customfield_12345: 1 })).json()).toMatchObject({ errors: { customfield_12345: expect.stringMatching(/cannot be set/) as unknown } });
    expect((await put({ customfield_10050: { value: 'Marketing' } })).status).toBe(204);
    const issue = (await (await fetch(`${sim.baseUrl}/rest/api/3/issue/${externalId ?? ''}`, { headers: auth })).json()) as { fields: Record<string, unknown> };
    expect(issue.fields['customfield_10050']).toEqual({ self: `${sim.baseUrl}/rest/api/3/customFieldOption/10102`, value: 'Marketing', id: '10102' });
  });
});
