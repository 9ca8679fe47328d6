// Roles and visibility: startSync is for admins, a project's config and last error are shown to
// admins only, and a comment belongs to the token that posted it, not to a display name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();
const SECRET = 'visibility-secret-0123456789';
const ISSUE = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`;
const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`;
const PROJECT = `query($id: ID!) { externalProject(id: $id) { id name config lastError } }`;
const START = `mutation($p: ID!) { startSync(input: { projectId: $p, kind: RECONCILE, dryRun: true }) { session { id } } }`;

let receiver: GenericWebhookSimulator;
let projectId = '';

async function token(role: string, name: string): Promise<string> {
  const data = await suite.lockstep.admin.run<{ createApiToken: { token: string } }>(ISSUE, { input: { name, role } });
  return data.createApiToken.token;
}

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  const data = await suite.lockstep.admin.run<{ connectExternalProject: { project: { id: string } } }>(CONNECT, {
    input: {
      name: 'Internal receiver',
      kind: 'GENERIC_WEBHOOK',
      direction: 'PUSH',
      config: { targetUrl: `${receiver.url}/hook` },
      credentials: { secret: SECRET },
    },
  });
  projectId = data.connectExternalProject.project.id;
});

afterAll(async () => {
  await receiver?.stop();
});

describe('startSync', () => {
  it('is refused to an editor and allowed to an admin', async () => {
    const editor = suite.lockstep.client(await token('EDITOR', 'an editor'));
    const refused = await editor.request(START, { p: projectId });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const started = await suite.lockstep.admin.run<{ startSync: { session: { id: string } } }>(START, { p: projectId });
    expect(started.startSync.session.id).toBeTruthy();
  });
});

describe('ExternalProject', () => {
  it('shows config and lastError to admins only', async () => {
    const viewer = suite.lockstep.client(await token('VIEWER', 'a viewer'));
    const seen = await viewer.run<{ externalProject: { name: string; config: unknown; lastError: unknown } }>(PROJECT, { id: projectId });
    expect(seen.externalProject.name).toBe('Internal receiver');
    expect(seen.externalProject.config).toBeNull();
    expect(seen.externalProject.lastError).toBeNull();
    const asAdmin = await suite.lockstep.admin.run<{ externalProject: { config: { targetUrl: string } } }>(PROJECT, { id: projectId });
    expect(asAdmin.externalProject.config.targetUrl).toBe(`${receiver.url}/hook`);
  });
});

describe('comment ownership', () => {
  it('follows the token that posted, not its display name', async () => {
    const author = suite.lockstep.client(await token('EDITOR', 'Sam'));
    const namesake = suite.lockstep.client(await token('EDITOR', 'Sam'));
    const ticket = await author.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation { createTicket(input: { title: "Talked about" }) { ticket { id } } }`,
    );
    const added = await author.run<{ addComment: { comment: { id: string } } }>(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`,
      { input: { ticketId: ticket.createTicket.ticket.id, body: 'Mine.' } },
    );
    const EDIT = `mutation($input: EditCommentInput!) { editComment(input: $input) { comment { body } } }`;
    const id = added.addComment.comment.id;
    const impostor = await namesake.request(EDIT, { input: { id, body: 'Not yours.' } });
    expect(impostor.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const own = await author.run<{ editComment: { comment: { body: string } } }>(EDIT, { input: { id, body: 'Mine, edited.' } });
    expect(own.editComment.comment.body).toBe('Mine, edited.');
  });
});
