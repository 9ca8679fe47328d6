// GraphQL over HTTP conformance: graphql-http's server audits (the spec's MUST and SHOULD
// requirements) run against a real Lockstep, once with an admin token and once with a viewer's,
// since every request needs one. A SHOULD that Lockstep does not meet must be listed below and in
// the README with the reason; today there is none.
import { beforeAll, describe, expect, it } from 'vitest';
import { serverAudits, type Audit } from 'graphql-http';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();

/** SHOULD audits Lockstep knowingly fails, by audit id, with why (keep the README in step). */
const knownShouldFailures: Readonly<Record<string, string>> = {};

let viewerToken = '';
beforeAll(async () => {
  const issued = await suite.lockstep.admin.run<{ createApiToken: { token: string } }>(
    `mutation { createApiToken(input: { name: "audit viewer", role: VIEWER }) { token } }`,
  );
  viewerToken = issued.createApiToken.token;
});

/** `fetch` with the caller's bearer token added to whatever headers the audit sends. */
function fetchWith(token: () => string): typeof fetch {
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token()}`);
    return fetch(input, { ...init, headers });
  };
}

function auditsAs(token: () => string): Audit[] {
  const all = serverAudits({ url: () => `${suite.lockstep.url}/graphql`, fetchFn: fetchWith(token) });
  return all.filter((audit) => audit.name.startsWith('MUST') || audit.name.startsWith('SHOULD'));
}

async function explain(audit: Audit): Promise<string> {
  const result = await audit.fn();
  if (result.status === 'ok') return 'ok';
  const body = await result.response.text().catch(() => '<unreadable body>');
  return `${result.status}: ${result.reason} (HTTP ${result.response.status}: ${body.slice(0, 300)})`;
}

describe.each([
  ['an admin', () => suite.env.adminToken],
  ['a viewer', () => viewerToken],
])('GraphQL over HTTP audits as %s', (_who, token) => {
  const audits = auditsAs(token);

  it('cover the spec', () => {
    expect(audits.filter((audit) => audit.name.startsWith('MUST')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(audits.map((audit) => [`${audit.id} ${audit.name}`, audit] as const))('%s', async (_name, audit) => {
    const outcome = await explain(audit);
    const knownToFail = audit.name.startsWith('SHOULD') && knownShouldFailures[audit.id] !== undefined;
    expect({ audit: audit.id, passed: outcome === 'ok', outcome }).toMatchObject({ passed: !knownToFail });
  });
});
