// The invitation one hub's admin hands to another's: where the inviting hub is, which of its
// projects stands for the new peer, a one-time secret and an expiry. It is an opaque string
// (`lockstep-invite.` + base64url JSON), parsed with zod when pasted.
import { z } from 'zod';
import { BadInputError } from '#infra/services/errors.ts';

const invitationSchema = z.object({
  v: z.literal(1),
  hubUrl: z.url({ protocol: /^https?$/ }),
  projectId: z.uuid(),
  secret: z.string().min(32),
  expiresAt: z.iso.datetime(),
  hubReplica: z.string().min(1),
  name: z.string(),
});

/** What an invitation carries. */
export type Invitation = z.infer<typeof invitationSchema>;

const PREFIX = 'lockstep-invite.';

/** Encodes an invitation for copy and paste. */
export function encodeInvitation(invitation: Invitation): string {
  return PREFIX + Buffer.from(JSON.stringify(invitation), 'utf8').toString('base64url');
}

/** Decodes a pasted invitation; throws BadInputError saying what is wrong with it. */
export function decodeInvitation(text: string, nowMs: number): Invitation {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) throw new BadInputError('invitation: not a Lockstep invitation (it starts with "lockstep-invite.")');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(trimmed.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new BadInputError('invitation: damaged (not readable); ask for a new one');
  }
  const parsed = invitationSchema.safeParse(json);
  if (!parsed.success) throw new BadInputError(`invitation: damaged (${parsed.error.issues[0]?.path.join('.') ?? 'content'}); ask for a new one`);
  if (Date.parse(parsed.data.expiresAt) <= nowMs) throw new BadInputError(`invitation: expired at ${parsed.data.expiresAt}; ask for a new one`);
  return parsed.data;
}
