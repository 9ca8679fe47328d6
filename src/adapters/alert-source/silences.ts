// Silences through the Alertmanager API v2, which Grafana serves too (under
// `/api/alertmanager/grafana`): `GET /api/v2/silences`, `POST /api/v2/silences` (answers
// `{silenceID}`), `DELETE /api/v2/silence/{id}`. A silence of ours has `createdBy: "lockstep"` and
// a comment naming the ticket, which is how a retry finds the one an earlier, unanswered create
// made instead of making a second. Optional `Authorization: Bearer <token>`.

import { z } from 'zod';
import { ExternalCallError, type SilenceChannel, type SilenceRequest } from '#domain/project/connector.ts';
import { expected, httpUrl, nonEmptyString } from '#adapters/shared/parsing.ts';
import { responseJson, sendRequest } from '#adapters/shared/http.ts';

/** The config key naming the Alertmanager API base (e.g. `http://alertmanager:9093`). */
export const silenceConfigShape = { silenceUrl: httpUrl.optional() };

/** Credentials of a source with silences: an optional bearer token. */
export const silenceCredentialsSchema = z
  .object({ token: nonEmptyString.optional() }, { error: expected('an object {token?}') })
  .strict();

/** Who Lockstep's silences say made them. */
export const silenceAuthor = 'lockstep';

/** How long a silence lasts unless the ticket leaves ACKNOWLEDGED first (it is then expired). */
export const silenceLifetimeMs = 24 * 3600 * 1000;

/** The comment of the ticket's silences; `find` matches on the ticket id in it. */
export function silenceComment(request: Pick<SilenceRequest, 'ticketId' | 'title'>): string {
  return `Acknowledged in Lockstep: ticket ${request.ticketId} (${request.title})`;
}

const silenceSchema = z.object({
  id: z.string().min(1),
  status: z.object({ state: z.string() }),
  createdBy: z.string(),
  comment: z.string(),
});

/** A channel to the silences API at `baseUrl`, or null without one. */
export function createSilenceChannel(baseUrl: string | undefined, token: string | undefined): SilenceChannel | null {
  if (!baseUrl) return null;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = (path: string) => new URL(path, base).toString();
  return {
    async find(request, signal) {
      // Narrowed by the group's labels (silences whose matchers match them), then by author and ticket.
      const query = new URLSearchParams(Object.entries(request.labels).map(([name, value]) => ['filter', `${name}=${JSON.stringify(value)}`]));
      const response = await sendRequest({ url: url(`api/v2/silences?${query.toString()}`), headers, ...(signal ? { signal } : {}) });
      const parsed = z.array(silenceSchema).safeParse(responseJson(response));
      if (!parsed.success) throw new ExternalCallError('unavailable', 'the silences API answered GET /api/v2/silences with an unexpected body');
      const marker = `ticket ${request.ticketId} `;
      return parsed.data
        .filter((silence) => silence.status.state !== 'expired' && silence.createdBy === silenceAuthor && silence.comment.includes(marker))
        .map((silence) => silence.id);
    },
    async create(request, signal) {
      const now = Date.now();
      const body = {
        matchers: Object.entries(request.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + silenceLifetimeMs).toISOString(),
        createdBy: silenceAuthor,
        comment: silenceComment(request),
      };
      const response = await sendRequest({ url: url('api/v2/silences'), method: 'POST', headers, json: body, ...(signal ? { signal } : {}) });
      const parsed = z.object({ silenceID: z.string().min(1) }).safeParse(responseJson(response));
      if (!parsed.success) throw new ExternalCallError('unavailable', 'the silences API answered POST /api/v2/silences without a silenceID');
      return parsed.data.silenceID;
    },
    async expire(silenceId, signal) {
      try {
        await sendRequest({ url: url(`api/v2/silence/${encodeURIComponent(silenceId)}`), method: 'DELETE', headers, ...(signal ? { signal } : {}) });
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
