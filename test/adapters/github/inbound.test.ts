import { describe, expect, it } from 'vitest';
import { InvalidDelivery } from '#domain/project/connector.ts';
import { createGithubConnector } from '#adapters/github/connector.ts';
import { fixture, githubDelivery } from './fixtures.ts';

const connector = createGithubConnector();
const config = connector.parseConfig({ owner: 'Codertocat', repo: 'Hello-World', userMap: { coder: 'Codertocat' } });
const parse = (event: string, body: unknown, id = '72d3162e-cc78-11e3-81ab-4c9367dc0958') =>
  connector.parseDelivery(githubDelivery(event, body, { id }), config);

function problem(event: string, body: unknown): string {
  try {
    parse(event, body);
  } catch (error) {
    if (error instanceof InvalidDelivery) return error.message;
    throw error;
  }
  return 'no error';
}

describe('GitHub webhook deliveries', () => {
  it('maps an issues event (octokit/webhooks issues/edited) to hub values ordered by updated_at', () => {
    const parsed = parse('issues', fixture('issues.edited'));
    expect(parsed.deliveryId).toBe('github:72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(parsed.items).toEqual([
      {
        externalId: '1',
        url: 'https://github.com/Codertocat/Hello-World/issues/1',
        orderingKey: '2019-05-15T15:20:18.000Z#000000000000000',
        observedAtMs: Date.parse('2019-05-15T15:20:18Z'),
        actor: 'Codertocat',
        fields: {
          title: 'Spelling error in the README file',
          description: "It looks like you accidently spelled 'commit' with two 't's.",
          status: 'open',
          labels: ['bug'],
          assignee: 'coder',
        },
        // GitHub stamps issues to the second and delivers out of order: the engine reads the issue.
        needsFetch: ['title', 'description', 'labels', 'status', 'assignee'],
      },
    ]);
  });

  it('reads priority and status labels, and closed issues by state_reason', () => {
    const custom = connector.parseConfig({
      owner: 'codertocat',
      repo: 'hello-world',
      statusLabels: { IN_PROGRESS: 'doing' },
    });
    const body = fixture('issues.labeled');
    const issue = body['issue'] as Record<string, unknown>;
    const withLabels = {
      ...body,
      issue: { ...issue, labels: [{ name: 'P2' }, { name: 'doing' }, { name: 'bug' }], assignees: [], assignee: null },
    };
    const open = connector.parseDelivery(githubDelivery('issues', withLabels, { id: 'a' }), custom).items[0];
    expect(open?.fields).toMatchObject({ status: 'in_progress', priority: 'p2', labels: ['bug'], assignee: null });
    // issues/closed has no sample in octokit/webhooks; the reopened one, closed with each reason:
    const reopened = fixture('issues.reopened');
    const closed = (reason: string | null) => ({
      ...reopened,
      action: 'closed',
      issue: { ...(reopened['issue'] as object), state: 'closed', state_reason: reason },
    });
    expect(
      connector.parseDelivery(githubDelivery('issues', closed('completed'), { id: 'b' }), custom).items[0]?.fields[
        'status'
      ],
    ).toBe('resolved');
    expect(
      connector.parseDelivery(githubDelivery('issues', closed('not_planned'), { id: 'c' }), custom).items[0]?.fields[
        'status'
      ],
    ).toBe('closed');
  });

  it('reports what it cannot map as problems, leaving those fields out', () => {
    const body = fixture('issues.edited');
    const issue = body['issue'] as Record<string, unknown>;
    const odd = {
      ...body,
      issue: { ...issue, labels: [{ name: 'P1' }, { name: 'P4' }], assignees: [{ login: 'stranger' }] },
    };
    const item = parse('issues', odd).items[0];
    expect(item?.fields).not.toHaveProperty('priority');
    expect(item?.fields).not.toHaveProperty('assignee');
    expect(item?.mappingErrors?.map((p) => p.field)).toEqual(['priority', 'assignee']);
    expect(item?.mappingErrors?.[1]?.message).toMatch(/stranger is not in config.userMap/);
  });

  it('strips the marker Lockstep leaves in bodies it wrote', () => {
    const body = fixture('issues.opened');
    const issue = body['issue'] as Record<string, unknown>;
    const marked = { ...body, issue: { ...issue, body: 'Steps to reproduce\n\n<!-- lockstep:ticket=t_123 -->' } };
    expect(parse('issues', marked).items[0]?.fields['description']).toBe('Steps to reproduce');
  });

  it('reports deleted and transferred issues as gone', () => {
    expect(parse('issues', fixture('issues.deleted')).items[0]).toMatchObject({
      externalId: '1',
      deleted: true,
      fields: {},
    });
    // The sample moves issue #1 out of octo-org/octo-repo, into Codertocat/Hello-World.
    const source = connector.parseConfig({ owner: 'octo-org', repo: 'octo-repo' });
    const moved = connector.parseDelivery(githubDelivery('issues', fixture('issues.transferred'), { id: 't' }), source)
      .items[0];
    expect(moved).toMatchObject({ externalId: '1', deleted: true, fields: {} });
  });

  it('reads issue_comment events as comments, never as issue changes', () => {
    const created = parse('issue_comment', fixture('issue_comment.created'));
    expect(created.items).toEqual([]);
    expect(created.comments).toEqual([
      {
        itemExternalId: '1',
        externalId: '492700400',
        body: "You are totally right! I'll get this fixed right away.",
        author: 'Codertocat',
        createdAtMs: Date.parse('2019-05-15T15:20:21Z'),
        updatedAtMs: Date.parse('2019-05-15T15:20:21Z'),
      },
    ]);
    expect(parse('issue_comment', fixture('issue_comment.edited')).comments?.[0]?.deleted).toBeUndefined();
    expect(parse('issue_comment', fixture('issue_comment.deleted')).comments?.[0]).toMatchObject({
      externalId: '492700400',
      deleted: true,
    });
  });

  it('ignores pull requests, their comments included', () => {
    const pr = {
      url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
      html_url: null,
      diff_url: null,
      patch_url: null,
    };
    const body = fixture('issues.edited');
    expect(parse('issues', { ...body, issue: { ...(body['issue'] as object), pull_request: pr } }).items).toEqual([]);
    const comment = fixture('issue_comment.created');
    expect(
      parse('issue_comment', { ...comment, issue: { ...(comment['issue'] as object), pull_request: pr } }).comments,
    ).toEqual([]);
  });

  it("ignores another repository's deliveries (an App's webhook covers all its repositories)", () => {
    const other = connector.parseConfig({ owner: 'Codertocat', repo: 'Other' });
    const issue = githubDelivery('issues', fixture('issues.edited'), { id: 'o1' });
    expect(connector.parseDelivery(issue, other).items).toEqual([]);
    expect(
      connector.parseDelivery(githubDelivery('issue_comment', fixture('issue_comment.created'), { id: 'o2' }), other)
        .comments,
    ).toEqual([]);
  });

  it('answers ping and other events with no items', () => {
    expect(parse('ping', fixture('ping'))).toEqual({
      deliveryId: 'github:72d3162e-cc78-11e3-81ab-4c9367dc0958',
      items: [],
    });
    expect(parse('star', { action: 'created' }).items).toEqual([]);
  });

  it('names what is wrong with a malformed delivery', () => {
    expect(problem('issues', '{')).toBe('body: not JSON');
    expect(problem('issues', { action: 'edited' })).toMatch(/^issue: /);
    const body = fixture('issues.edited');
    expect(problem('issues', { ...body, issue: { ...(body['issue'] as object), state: 'gone' } })).toBe(
      'issue.state: must be open or closed',
    );
    const delivery = githubDelivery('issues', body);
    expect(() => connector.parseDelivery({ ...delivery, headers: {} }, config)).toThrow(
      /x-github-event: header is required/,
    );
  });

  it('verifies X-Hub-Signature-256 or ?secret=, and nothing else', () => {
    const body = fixture('issues.edited');
    expect(connector.verifyDelivery(githubDelivery('issues', body, { secret: 's3cret' }), ['old', 's3cret'])).toBe(
      true,
    );
    expect(connector.verifyDelivery(githubDelivery('issues', body, { secret: 'wrong' }), ['s3cret'])).toBe(false);
    expect(connector.verifyDelivery(githubDelivery('issues', body), ['s3cret'])).toBe(false);
    expect(
      connector.verifyDelivery({ ...githubDelivery('issues', body), query: { secret: 's3cret' } }, ['s3cret']),
    ).toBe(true);
  });

  it('reads a webhook set to the form content type, and verifies the form as sent', () => {
    const form = `payload=${encodeURIComponent(JSON.stringify(fixture('issues.edited')))}`;
    const delivery = githubDelivery('issues', form, { id: 'f', secret: 's3cret' });
    const formDelivery = {
      ...delivery,
      headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' },
    };
    expect(connector.verifyDelivery(formDelivery, ['s3cret'])).toBe(true);
    expect(connector.parseDelivery(formDelivery, config).items[0]?.fields['title']).toBe(
      'Spelling error in the README file',
    );
    const empty = { ...formDelivery, rawBody: new TextEncoder().encode('other=1') };
    expect(() => connector.parseDelivery(empty, config)).toThrow(/payload: is required/);
  });

  it('dedups by X-GitHub-Delivery, or by the body when a proxy dropped it', () => {
    const body = fixture('issues.edited');
    expect(parse('issues', body, 'x').deliveryId).toBe(parse('issues', body, 'x').deliveryId);
    const bare = connector.parseDelivery(githubDelivery('issues', body), config).deliveryId;
    expect(bare).toMatch(/^github-body:[0-9a-f]{64}$/);
  });
});
