// `config.customFields` of a JIRA project: hub custom field name -> Jira custom field id, with an
// optional options map, the shorthand `"name": "customfield_10050"`, and messages that name the entry.
import { describe, expect, it } from 'vitest';
import { createJiraConnector } from '#adapters/jira/connector.ts';
import { parseJiraConfig } from '#adapters/jira/settings.ts';

const base = { baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS' };
const refusal = (customFields: unknown): string => {
  try {
    parseJiraConfig({ ...base, customFields });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('Jira custom field config', () => {
  it('normalises the shorthand and every way of naming an option', () => {
    const config = parseJiraConfig({
      ...base,
      customFields: {
        team: { fieldId: 'customfield_10050', options: { payments: '10100', platform: 'Platform', search: { id: 10102 }, infra: { id: '10103', value: 'Infra' } } },
        storyPoints: ' customfield_10016 ',
      },
    });
    expect(config.customFields).toEqual({
      team: { fieldId: 'customfield_10050', options: { payments: { id: '10100' }, platform: { value: 'Platform' }, search: { id: '10102' }, infra: { id: '10103', value: 'Infra' } } },
      storyPoints: { fieldId: 'customfield_10016' },
    });
    // The stored (normalised) config parses to itself.
    expect(parseJiraConfig(config)).toEqual(config);
  });

  it('refuses what is not a custom field id, naming the entry', () => {
    expect(refusal({ team: { fieldId: 'summary' } })).toBe('config.customFields.team.fieldId: must be a Jira custom field id (customfield_<digits>)');
    expect(refusal({ team: 'customfield_x' })).toBe('config.customFields.team.fieldId: must be a Jira custom field id (customfield_<digits>)');
    expect(refusal({ team: 12 })).toBe('config.customFields.team: must be a Jira custom field id or {fieldId, options?}');
  });

  it('refuses unknown keys, bad options, one Jira field mapped twice, and a list', () => {
    expect(refusal({ team: { fieldId: 'customfield_1', option: {} } })).toMatch(/config\.customFields\.team: unknown key option \(use fieldId, options\)/);
    expect(refusal({ team: { fieldId: 'customfield_1', options: { payments: {} } } })).toMatch(/config\.customFields\.team\.options\.payments: must be a Jira option id, a Jira option value, or \{id, value\}/);
    expect(refusal({ team: { fieldId: 'customfield_1', options: { payments: true } } })).toMatch(/config\.customFields\.team\.options\.payments/);
    expect(refusal({ team: 'customfield_1', squad: 'customfield_1' })).toBe('config.customFields.squad.fieldId: customfield_1 is already mapped to team');
    expect(refusal(['customfield_1'])).toBe('config.customFields: must be an object: hub custom field name -> Jira custom field');
  });

  it('tells the hub which fields the config adds to the mirrored set', () => {
    const connector = createJiraConnector();
    expect(connector.configuredFields?.(parseJiraConfig({ ...base, customFields: { team: 'customfield_1', storyPoints: 'customfield_2' } }))).toEqual([
      'customFields.team',
      'customFields.storyPoints',
    ]);
    expect(connector.configuredFields?.(parseJiraConfig(base))).toEqual([]);
  });
});
