// The HTTP side of peering that other Lockstep hubs call: `POST /api/peering/accept` completes an
// invitation. Answers: 200 with this hub's details, 400 for a malformed request (naming the
// problem), 401 for a wrong or expired secret, 404 for an unknown invitation, 409 when it was
// already accepted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '#infra/http/server.ts';
import { acceptRequestSchema, PeeringRefused, type PeeringService } from './peering-service.ts';

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
export function createPeerRoutes(peering: PeeringService) {
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
      sendJson(response, 404, { error: `No peering route for ${request.method} ${url.pathname}` });
    } catch (error) {
      if (error instanceof PeeringRefused) {
        sendJson(response, error.status, { error: error.message });
        return;
      }
      throw error;
    }
  };
}
