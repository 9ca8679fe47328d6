import { describe, expect, it } from 'vitest';
import { createSiteKnowledge } from '#adapters/jira/site-knowledge.ts';

describe('Jira site knowledge', () => {
  it('is shared by the sessions of one project, kept apart per project, and forgotten after its time', () => {
    let now = 0;
    const siteOf = createSiteKnowledge(1_000, () => now);
    const first = siteOf('https://acme.atlassian.net/', 'OPS');
    first.workflows.set('Task', new Map());
    expect(siteOf('https://acme.atlassian.net', 'OPS')).toBe(first);
    expect(siteOf('https://acme.atlassian.net', 'WEB')).not.toBe(first);
    now = 999;
    expect(siteOf('https://acme.atlassian.net', 'OPS').workflows.has('Task')).toBe(true);
    now = 1_000;
    const later = siteOf('https://acme.atlassian.net', 'OPS');
    expect(later).not.toBe(first);
    expect(later.workflows.size).toBe(0);
  });
});
