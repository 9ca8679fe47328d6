// The HTTP side of peering that other Lockstep hubs call: `POST /api/peering/accept` completes an
// invitation. Answers: 200 with this hub's details, 400 for a malformed request (naming the
// problem), 401 for a wrong or expired secret, 404 for an unknown invitation, 409 when it was
// already accepted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '#infra/http/server.ts';
import { bearerToken } from '#infra/auth/tokens.ts';
import { acceptRequestSchema, PeeringRefused, type PeeringService } from './peering-service.ts';
import type { PeerApi } from './peer-api.ts';

const maxBody = 64 * 1024;

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new PeeringRefused(413, `Request larger than ${maxBody} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new PeeringRefused(400, 'body: not JSON');
  }
}

/** Routes under /api/peering/. */
export function createPeerRoutes(peering: PeeringService, api: PeerApi) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    try {
      if (url.pathname === '/api/peering/accept' && request.method === 'POST') {
        const parsed = acceptRequestSchema.safeParse(await readJson(request));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new PeeringRefused(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
        }
        sendJson(response, 200, await peering.completeAcceptance(parsed.data));
        return;
      }
      // /api/peering/:projectId/items, /items/:ticketId, /changes, /comments — the peer API, for peers only.
      const [projectId = '', resource = '', ticketId, ...rest] = url.pathname.replace(/^\/api\/peering\//, '').split('/');
      const project = rest.length === 0 ? await peering.authenticatePeer(projectId, bearerToken(request.headers.authorization)) : null;
      if (!project) throw new PeeringRefused(401, 'Unknown peer project or token');
      if (resource === 'items' && ticketId === undefined && request.method === 'POST') {
        sendJson(response, 200, await api.createTwin(project, await readJson(request)));
      } else if (resource === 'items' && ticketId !== undefined && request.method === 'GET') {
        const state = await api.stateOf(project, decodeURIComponent(ticketId));
        if (state) sendJson(response, 200, state);
        else sendJson(response, 404, { error: `No linked ticket "${ticketId}"` });
      } else if (resource === 'comments' && ticketId === undefined && request.method === 'POST') {
        sendJson(response, 200, await api.comment(project, await readJson(request)));
      } else if (resource === 'changes' && ticketId === undefined && request.method === 'GET') {
        sendJson(response, 200, await api.changes(project, url.searchParams.get('cursor'), Number(url.searchParams.get('limit') ?? 100)));
      } else {
        sendJson(response, 404, { error: `No peering route for ${request.method} ${url.pathname}` });
      }
    } catch (error) {
      if (error instanceof PeeringRefused) {
        sendJson(response, error.status, { error: error.message });
        return;
      }
      throw error;
    }
  };
}
