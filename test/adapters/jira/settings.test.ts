// Value maps in a Jira project's config are accepted in the API's spelling and the domain's, and
// written either way round; anything else is refused naming the entry.
import { describe, expect, it } from 'vitest';
import { parseJiraConfig } from '#adapters/jira/settings.ts';

const base = { baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS' };

describe('Jira config value maps', () => {
  it('accepts hub values in either spelling, in either direction', () => {
    const config = parseJiraConfig({
      ...base,
      statusMap: { IN_PROGRESS: 'Doing', 'Waiting for vendor': 'BLOCKED', resolved: 'Done' },
      priorityMap: { P1: 'Blocker', Minor: 'p4' },
    });
    expect(config.statusMap).toEqual({ in_progress: 'Doing', blocked: 'Waiting for vendor', resolved: 'Done' });
    expect(config.priorityMap).toEqual({ p1: 'Blocker', p4: 'Minor' });
  });

  it('refuses a map entry that names no hub value, naming it', () => {
    expect(() => parseJiraConfig({ ...base, statusMap: { 'Sort of done': 'Done-ish' } })).toThrow(/statusMap/);
  });
});
