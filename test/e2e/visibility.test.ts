// Roles and visibility: startSync is for admins, a project's config and last error are shown to
// admins only (in a subscription too, where subscribers with the same document share answers),
// and a comment belongs to the token that posted it, not to a display name.
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

describe('ticketChanged', () => {
  it('shows a linked project’s config to the admin subscriber only, the same document and event for both', async () => {
    const WATCH = `subscription($id: ID!) { ticketChanged(id: $id) { title mappings { project { id config } } } }`;
    type Seen = { ticketChanged: { title: string; mappings: Array<{ project: { id: string; config: { targetUrl: string } | null } }> } };
    const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation { createTicket(input: { title: "Watched by two roles" }) { ticket { id } } }`,
    );
    const id = created.createTicket.ticket.id;
    await suite.lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { ticket { id } } }`, {
      input: { ticketId: id, projectId, externalId: 'EXT-visible' },
    });
    const viewer = suite.lockstep.client(await token('VIEWER', 'a watching viewer'));
    // The viewer first, so a shared answer, if it leaked, would be the viewer's to the admin or the admin's to the viewer.
    const asViewer = viewer.subscribe<Seen>(WATCH, { id });
    const asAdmin = suite.lockstep.admin.subscribe<Seen>(WATCH, { id });
    try {
      for (let attempt = 0; attempt < 40 && (asViewer.events.length === 0 || asAdmin.events.length === 0); attempt += 1) {
        await suite.lockstep.admin.run(`mutation($id: ID!, $t: String!) { updateTicket(input: { id: $id, title: $t }) { ticket { id } } }`, { id, t: `Renamed #${attempt}` });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const title = (seen: Seen) => seen.ticketChanged.title;
      const [adminSaw, viewerSaw] = await Promise.all([asAdmin.next((seen) => title(seen).startsWith('Renamed')), asViewer.next((seen) => title(seen).startsWith('Renamed'))]);
      expect(adminSaw.ticketChanged.mappings).toEqual([{ project: { id: projectId, config: { targetUrl: `${receiver.url}/hook` } } }]);
      expect(viewerSaw.ticketChanged.mappings).toEqual([{ project: { id: projectId, config: null } }]);
      // Every event the two saw, not only the first: the viewer never got the admin's answer.
      expect(asViewer.events.every((seen) => seen.ticketChanged.mappings.every((mapping) => mapping.project.config === null))).toBe(true);
      expect(asAdmin.events.every((seen) => seen.ticketChanged.mappings.every((mapping) => mapping.project.config !== null))).toBe(true);
    } finally {
      await asViewer.close();
      await asAdmin.close();
    }
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
