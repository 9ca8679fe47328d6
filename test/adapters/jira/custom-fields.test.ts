// Jira custom fields <-> hub custom fields, both ways, for every supported shape; select options
// matched by id and by value; values that cannot be mapped are errors naming field and value (a
// MappingError coming in, a 'rejected' ExternalCallError going out), never dropped.
import { describe, expect, it } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { normaliseMarkdown, toAdf } from '#adapters/jira/adf.ts';
import type { JiraFieldSchema } from '#adapters/jira/custom-fields.ts';
import { createJiraMapping } from '#adapters/jira/mapping.ts';
import { itemFromIssue } from '#adapters/jira/items.ts';
import { issueSchema } from '#adapters/jira/payloads.ts';
import { parseJiraConfig } from '#adapters/jira/settings.ts';

const select = 'com.atlassian.jira.plugin.system.customfieldtypes:select';
const config = parseJiraConfig({
  baseUrl: 'https://acme.atlassian.net',
  projectKey: 'OPS',
  userMap: { alice: 'acc-alice' },
  customFields: {
    team: { fieldId: 'customfield_10050', options: { payments: '10100', platform: { value: 'Platform' } } },
    squad: 'customfield_10051',
    components: { fieldId: 'customfield_10052', options: { api: '10200', web: { value: 'Web' } } },
    tags: 'customfield_10053',
    note: 'customfield_10054',
    notes: 'customfield_10055',
    points: 'customfield_10056',
    owner: 'customfield_10057',
    due: 'customfield_10058',
    startsAt: 'customfield_10059',
    region: 'customfield_10060',
  },
});
const types = new Map<string, JiraFieldSchema>([
  ['customfield_10050', { type: 'option', custom: select }],
  ['customfield_10051', { type: 'option', custom: select }],
  ['customfield_10052', { type: 'array', items: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect' }],
  ['customfield_10053', { type: 'array', items: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:labels' }],
  ['customfield_10054', { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' }],
  ['customfield_10055', { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' }],
  ['customfield_10056', { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' }],
  ['customfield_10057', { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' }],
  ['customfield_10058', { type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker' }],
  ['customfield_10059', { type: 'datetime', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime' }],
  ['customfield_10060', { type: 'option-with-child', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect' }],
]);
const mapping = createJiraMapping(config);
const option = (id: string, value: string) => ({ self: `https://acme.atlassian.net/rest/api/3/customFieldOption/${id}`, value, id });
const out = (field: string, value: JsonValue) => mapping.toJiraFields({ [`customFields.${field}`]: value } as Partial<Record<FieldKey, JsonValue>>, types);
const refusal = (field: string, value: JsonValue): ExternalCallError => {
  try {
    out(field, value);
  } catch (error) {
    if (error instanceof ExternalCallError) return error;
    throw error;
  }
  throw new Error(`expected ${field} ${JSON.stringify(value)} to be refused`);
};

describe('custom fields going out (REST v3 write formats)', () => {
  it('writes every supported shape', () => {
    expect(
      mapping.toJiraFields(
        {
          'customFields.team': 'payments',
          'customFields.squad': 'Red team',
          'customFields.components': ['web', 'api'],
          'customFields.tags': ['needs review', 'eu'],
          'customFields.note': 'Short text',
          'customFields.notes': 'Some **bold** text',
          'customFields.points': 5,
          'customFields.owner': 'alice',
          'customFields.due': '2024-05-01',
          'customFields.startsAt': '2024-05-01T12:00:00+02:00',
        },
        types,
      ),
    ).toEqual({
      customfield_10050: { id: '10100' },
      customfield_10051: { value: 'Red team' },
      customfield_10052: [{ value: 'Web' }, { id: '10200' }],
      customfield_10053: ['eu', 'needs-review'],
      customfield_10054: 'Short text',
      customfield_10055: toAdf('Some **bold** text'),
      customfield_10056: 5,
      customfield_10057: { accountId: 'acc-alice' },
      customfield_10058: '2024-05-01',
      customfield_10059: '2024-05-01T10:00:00.000+0000',
    });
  });

  it('writes an option by id when the id is known, else by value; hub values match the map ignoring case', () => {
    expect(out('team', 'payments')).toEqual({ customfield_10050: { id: '10100' } });
    expect(out('team', 'Platform')).toEqual({ customfield_10050: { value: 'Platform' } });
    expect(out('squad', 'Anything')).toEqual({ customfield_10051: { value: 'Anything' } });
  });

  it('clears with null: empty text, no option, no user', () => {
    expect(mapping.toJiraFields({ 'customFields.team': null, 'customFields.note': '', 'customFields.notes': '', 'customFields.owner': null, 'customFields.components': [] }, types)).toEqual({
      customfield_10050: null,
      customfield_10054: null,
      customfield_10055: null,
      customfield_10057: null,
      customfield_10052: [],
    });
  });

  it('refuses a hub value with no option, naming field and value', () => {
    const error = refusal('team', 'marketing');
    expect(error.kind).toBe('rejected');
    expect(error.message).toBe('customFields.team "marketing" cannot be mapped to Jira customfield_10050: no option for this value in config.customFields.team.options');
    expect(refusal('components', ['api', 'mobile']).message).toMatch(/customFields\.components "mobile" cannot be mapped to Jira customfield_10052: no option/);
  });

  it('refuses values of the wrong type, and unmapped users', () => {
    expect(refusal('points', 'five').message).toMatch(/customFields\.points "five" cannot be mapped to Jira customfield_10056: not a number/);
    expect(refusal('team', ['payments']).message).toMatch(/not a single option/);
    expect(refusal('tags', 'eu').message).toMatch(/not a list of strings/);
    expect(refusal('due', '01/05/2024').message).toMatch(/not a date \(YYYY-MM-DD\)/);
    expect(refusal('due', '2024-02-30').message).toMatch(/not a date/);
    expect(refusal('startsAt', 'tomorrow').message).toMatch(/not a datetime/);
    expect(refusal('note', 'x'.repeat(256)).message).toMatch(/at most 255 characters/);
    expect(refusal('owner', 'bob').message).toMatch(/customFields\.owner "bob" .* no Jira account for this user; add it to config.userMap/);
    expect(out('owner', 'jira:acc-9')).toEqual({ customfield_10057: { accountId: 'acc-9' } });
  });

  it('refuses a type it cannot mirror, a field Jira does not have, and a field the config does not map', () => {
    expect(refusal('region', 'EU').message).toBe(
      'customFields.region "EU" cannot be mapped to Jira customfield_10060: its type option-with-child is not one Lockstep mirrors (text, multi-line text, number, select, multi-select, labels, user, date, datetime)',
    );
    expect(() => mapping.toJiraFields({ 'customFields.team': 'payments' }, new Map())).toThrow(/customfield_10050: Jira has no field with this id/);
    expect(() => mapping.toJiraFields({ 'customFields.unknown': 'x' }, types)).toThrow(/customFields\.unknown "x" cannot be mapped to Jira: this custom field is not configured/);
  });

  it('says how Jira will report what it was sent', () => {
    expect(mapping.reported('customFields.team', 'Payments', types)).toBe('payments');
    expect(mapping.reported('customFields.components', ['web', 'api', 'web'], types)).toEqual(['api', 'web']);
    expect(mapping.reported('customFields.components', [], types)).toBeNull();
    expect(mapping.reported('customFields.tags', ['needs review'], types)).toEqual(['needs-review']);
    expect(mapping.reported('customFields.notes', 'Some *text*', types)).toBe(normaliseMarkdown('Some *text*'));
    expect(mapping.reported('customFields.notes', '', types)).toBeNull();
    expect(mapping.reported('customFields.startsAt', '2024-05-01T12:00:00+02:00', types)).toBe('2024-05-01T10:00:00.000Z');
    expect(mapping.reported('customFields.owner', 'jira:acc-alice', types)).toBe('alice');
    expect(mapping.reported('customFields.note', '', types)).toBeNull();
  });
});

describe('custom fields coming in (read by their shape)', () => {
  const issue = (fields: Record<string, unknown>, self = 'https://acme.atlassian.net/rest/api/3/issue/10001') =>
    issueSchema.parse({ id: '10001', key: 'OPS-1', self, fields: { summary: 'An issue', updated: '2024-05-01T10:00:00.000+0000', ...fields } });
  const read = (fields: Record<string, unknown>, self?: string) => itemFromIssue(issue(fields, self), mapping, config.baseUrl, { fallbackMs: 0 });

  it('reads every supported shape', () => {
    const item = read({
      customfield_10050: option('10100', 'Payments'),
      customfield_10051: option('10300', 'Red team'),
      customfield_10052: [option('10201', 'Web'), option('10200', 'API')],
      customfield_10053: ['needs-review', 'eu'],
      customfield_10054: 'Short text',
      customfield_10055: toAdf('Some **bold** text'),
      customfield_10056: 5.5,
      customfield_10057: { accountId: 'acc-alice', displayName: 'Alice' },
      customfield_10058: '2024-05-01',
      customfield_10059: '2024-05-01T12:00:00.000+0200',
      customfield_99999: 'not configured',
    });
    expect(item.fields).toEqual({
      title: 'An issue',
      'customFields.team': 'payments',
      'customFields.squad': 'Red team',
      'customFields.components': ['api', 'web'],
      'customFields.tags': ['eu', 'needs-review'],
      'customFields.note': 'Short text',
      'customFields.notes': 'Some **bold** text',
      'customFields.points': 5.5,
      'customFields.owner': 'alice',
      'customFields.due': '2024-05-01',
      'customFields.startsAt': '2024-05-01T10:00:00.000Z',
    });
    expect(item.mappingErrors).toBeUndefined();
  });

  it('matches options by id or by value (ignoring case); an unmapped Jira user comes in as jira:<accountId>', () => {
    // By id: the option was renamed in Jira since the map was written.
    expect(read({ customfield_10050: option('10100', 'Payments & Billing') }).fields['customFields.team']).toBe('payments');
    // By value: the map names the option by value only.
    expect(read({ customfield_10050: option('10101', 'PLATFORM') }).fields['customFields.team']).toBe('platform');
    expect(read({ customfield_10050: { value: 'Platform' } }).fields['customFields.team']).toBe('platform');
    expect(read({ customfield_10057: { accountId: 'acc-9' } }).fields['customFields.owner']).toBe('jira:acc-9');
  });

  it('reads empty fields as null, and leaves out fields the issue does not carry', () => {
    const item = read({ customfield_10050: null, customfield_10052: null, customfield_10053: [], customfield_10055: null });
    expect(item.fields).toEqual({ title: 'An issue', 'customFields.team': null, 'customFields.components': null, 'customFields.tags': null, 'customFields.notes': null });
  });

  it('lists an option the map cannot read as a mapping error and still reads the other fields', () => {
    const item = read({ customfield_10050: option('10102', 'Marketing'), customfield_10056: 3 });
    expect(item.fields).toEqual({ title: 'An issue', 'customFields.points': 3 });
    expect(item.mappingErrors).toEqual([
      {
        field: 'customFields.team',
        value: option('10102', 'Marketing'),
        message: 'customFields.team: Jira option "Marketing" (id 10102) of customfield_10050 matches no entry of config.customFields.team.options (by id or value)',
      },
    ]);
    const multi = read({ customfield_10052: [option('10200', 'API'), option('10209', 'Mobile')] });
    expect(multi.mappingErrors?.[0]).toMatchObject({ field: 'customFields.components', message: expect.stringMatching(/"Mobile" \(id 10209\)/) as unknown });
  });

  it('names what it cannot mirror: a cascading select, a list of users, an unknown object', () => {
    const item = read({
      customfield_10060: { ...option('1', 'EU'), child: option('2', 'Berlin') },
      customfield_10057: [{ accountId: 'a' }],
      customfield_10058: { weird: true },
    });
    expect(item.fields).toEqual({ title: 'An issue' });
    expect(item.mappingErrors?.map((e) => [e.field, e.message])).toEqual([
      ['customFields.owner', 'customFields.owner: Jira reported a list of values it cannot read for customfield_10057, which Lockstep cannot mirror'],
      ['customFields.due', 'customFields.due: Jira reported an object with weird for customfield_10058, which Lockstep cannot mirror'],
      ['customFields.region', 'customFields.region: Jira reported a cascading select (option-with-child) value for customfield_10060, which Lockstep cannot mirror'],
    ]);
  });

  it('asks for a fetch when text came in REST v2 shape (webhooks: multi-line text is wiki markup there)', () => {
    const item = read({ customfield_10055: 'h1. Wiki', customfield_10058: '2024-05-01', customfield_10050: option('10100', 'Payments') }, 'https://acme.atlassian.net/rest/api/2/issue/10001');
    expect(item.needsFetch).toEqual(['customFields.notes']);
    expect(item.fields).toEqual({ title: 'An issue', 'customFields.due': '2024-05-01', 'customFields.team': 'payments' });
  });
});
