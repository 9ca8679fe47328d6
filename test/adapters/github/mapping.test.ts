import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExternalCallError, InvalidConnectorSettings } from '#domain/project/connector.ts';
import { createGithubMapping } from '#adapters/github/mapping.ts';
import { hasMarker, stripMarker, withMarker } from '#adapters/github/marker.ts';
import { parseGithubConfig, parseGithubCredentials } from '#adapters/github/settings.ts';

const config = parseGithubConfig({
  owner: 'acme',
  repo: 'web',
  statusLabels: { IN_PROGRESS: 'doing', blocked: 'blocked' },
  userMap: { ann: 'ann-gh' },
});
const mapping = createGithubMapping(config);

describe('GitHub settings', () => {
  it('normalises the config: default API and priority labels, hub spellings for keys', () => {
    expect(parseGithubConfig({ owner: 'acme', repo: 'web', priorityLabels: { P1: 'urgent' } })).toEqual({
      owner: 'acme',
      repo: 'web',
      baseUrl: 'https://api.github.com',
      priorityLabels: { p1: 'urgent', p2: 'P2', p3: 'P3', p4: 'P4', p5: 'P5' },
    });
    expect(config.statusLabels).toEqual({ in_progress: 'doing', blocked: 'blocked' });
  });

  it('names the problem with a config or credentials it cannot take', () => {
    const problem = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        if (error instanceof InvalidConnectorSettings) return error.message;
        throw error;
      }
      return 'no error';
    };
    expect(problem(() => parseGithubConfig({ repo: 'web' }))).toBe('config.owner: is required');
    expect(problem(() => parseGithubConfig({ owner: 'a', repo: 'web', statusLabels: { resolved: 'done' } }))).toBe(
      'config.statusLabels.resolved: is not one of open, acknowledged, in_progress, blocked',
    );
    expect(problem(() => parseGithubConfig({ owner: 'a', repo: 'web', statusLabels: { open: 'P1' } }))).toBe(
      'config.statusLabels.open: label "P1" is also a priority label',
    );
    expect(problem(() => parseGithubCredentials({ appId: 1, privateKey: 'nope', installationId: 2 }))).toBe(
      'credentials.privateKey: must be a PEM private key (-----BEGIN ... PRIVATE KEY-----)',
    );
    expect(problem(() => parseGithubCredentials({ password: 'x' }))).toMatch(/^credentials: must be \{token\}/);
    expect(
      parseGithubCredentials({ appId: '12', privateKey: '-----BEGIN RSA PRIVATE KEY-----\nx', installationId: '34' }),
    ).toMatchObject({ appId: '12', installationId: 34 });
  });
});

describe('GitHub mapping going out', () => {
  it('replaces only the labels of what changed, keeping the rest', () => {
    expect(mapping.labelsAfter(['bug', 'P3', 'doing'], { priority: 'p1' })).toEqual(['bug', 'doing', 'P1']);
    expect(mapping.labelsAfter(['bug', 'P3', 'doing'], { status: 'blocked' })).toEqual(['bug', 'P3', 'blocked']);
    expect(mapping.labelsAfter(['bug', 'P3', 'doing'], { status: 'open' })).toEqual(['bug', 'P3']);
    expect(mapping.labelsAfter(['bug', 'P3'], { labels: ['ui', 'P5'] })).toEqual(['P3', 'ui']);
  });

  it('closes with the state_reason of the status, and rejects what it cannot map', () => {
    expect(mapping.stateFor('resolved')).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(mapping.stateFor('closed')).toEqual({ state: 'closed', state_reason: 'not_planned' });
    expect(mapping.stateFor('in_progress')).toEqual({ state: 'open' });
    expect(mapping.assigneesFor('ann')).toEqual(['ann-gh']);
    expect(mapping.assigneesFor(null)).toEqual([]);
    expect(() => mapping.assigneesFor('bob')).toThrow(ExternalCallError);
    expect(() => mapping.labelsAfter([], { priority: 'urgent' })).toThrow(/priority "urgent" cannot be mapped/);
    expect(() => mapping.labelsAfter([], { labels: ['x'.repeat(51)] })).toThrow(/at most 50 characters/);
  });

  it('reads back what it writes, for any status, priority and labels', () => {
    const status = fc.constantFrom('open', 'in_progress', 'blocked', 'resolved', 'closed');
    const priority = fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5');
    const labels = fc
      .uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 4 })
      .map((l) => l.filter((x) => x !== 'doing' && x !== 'blocked').sort());
    fc.assert(
      fc.property(status, priority, labels, (s, p, l) => {
        const names = mapping.labelsAfter([], { status: s, priority: p, labels: l });
        const issue = {
          number: 1,
          title: 't',
          body: null,
          labels: names.map((name) => ({ name })),
          created_at: 0,
          updated_at: 0,
          state: 'open' as const,
          ...mapping.stateFor(s),
        };
        expect(mapping.fromIssue(issue).fields).toMatchObject({ status: s, priority: p, labels: l });
      }),
    );
  });
});

describe('the hidden marker', () => {
  it('round-trips any text and is found by its id', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const body = withMarker(text, 'ticket', 't_1');
        expect(hasMarker(body, 'ticket', 't_1')).toBe(true);
        expect(stripMarker(body)).toEqual({ text, marked: { kind: 'ticket', id: 't_1' } });
      }),
    );
  });

  it('survives GitHub turning line ends into CRLF after a person edit', () => {
    expect(stripMarker('Steps\r\n\r\n<!-- lockstep:comment=c_9 -->').text).toBe('Steps');
    expect(stripMarker('no marker here').text).toBe('no marker here');
  });
});
