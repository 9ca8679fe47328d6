// Hub-to-hub peering handshake. Hub A's admin creates an invitation (A records a LOCKSTEP_PEER
// project awaiting its peer, with a one-time secret). Hub B's admin pastes it: B calls A's
// `/api/peering/accept` with the secret and everything A needs to reach B (B's URL and project,
// the secret A must sign deliveries with, a token for B's peer API); A answers with the same for
// itself. Both projects then hold each other's details (secrets sealed) and become ACTIVE with
// an ACTIVE handshake. The one-time secret cannot be used twice, nor after it expires.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { z } from 'zod';
import { sendRequest, responseJson } from '#adapters/shared/http.ts';
import type { JsonValue } from '#domain/json.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { LinkRule } from '#domain/rules/link-rule.ts';
import { syncDirections, type SyncDirection } from '#domain/sync/policy.ts';
import { BadInputError } from '#infra/services/errors.ts';
import type { CredentialVault } from '#infra/crypto/credential-vault.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId, newHubId } from '#infra/services/ids.ts';
import { requireRuleOrigins } from '#infra/services/link-rule-origins.ts';
import { newWebhookSecret } from '#infra/services/projects.ts';
import { decodeInvitation, encodeInvitation } from './invitation.ts';

/** How long an invitation can be accepted. */
export const invitationLifetimeMs = 24 * 60 * 60 * 1000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** What the accepting hub sends to the inviting hub. */
export const acceptRequestSchema = z.object({
  projectId: z.uuid(),
  secret: z.string().min(1),
  hubUrl: z.url({ protocol: /^https?$/ }),
  peerProjectId: z.uuid(),
  webhookSecret: z.string().min(32),
  apiToken: z.string().min(32),
  hubReplica: z.string().min(1),
});
export type AcceptRequest = z.infer<typeof acceptRequestSchema>;

const acceptAnswerSchema = z.object({
  webhookSecret: z.string().min(32),
  apiToken: z.string().min(32),
  hubReplica: z.string().min(1),
  /** The inviter's direction; the accepting hub takes its mirror image. */
  direction: z.enum(syncDirections),
});
type AcceptAnswer = z.infer<typeof acceptAnswerSchema>;

/** Refusals of the accept call, each with the HTTP status it is answered with. */
export class PeeringRefused extends Error {
  override readonly name = 'PeeringRefused';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The direction the other hub holds for a direction chosen here. */
export function mirrorDirection(direction: SyncDirection): SyncDirection {
  return direction === 'push' ? 'pull' : direction === 'pull' ? 'push' : direction;
}

/** The peering use cases. */
export interface PeeringService {
  /** `linkRules` decide which tickets this hub sends the peer (as any project's rules do). */
  createInvitation(name: string, direction: SyncDirection, linkRules?: readonly LinkRule[]): Promise<{ invitation: string; project: ExternalProject }>;
  /** `linkRules` decide which tickets this hub sends the inviting hub. */
  acceptInvitation(invitation: string, name: string, linkRules?: readonly LinkRule[]): Promise<ExternalProject>;
  /** The inviting hub's side of an acceptance (called by the peer over HTTP). */
  completeAcceptance(request: AcceptRequest): Promise<AcceptAnswer>;
  /** The peer project whose peer API token is `token`, or null. */
  authenticatePeer(projectId: string, token: string | undefined): Promise<ExternalProject | null>;
}

/** Peering over `uow`; `hub` is this hub's replica id and `publicUrl` how peers reach it. */
export function createPeeringService(uow: UnitOfWork, vault: CredentialVault, hub: string, publicUrl: () => string): PeeringService {
  const peerProject = (input: {
    id: string;
    name: string;
    direction: SyncDirection;
    config: Record<string, JsonValue>;
    webhookSecret: string;
    linkRules: readonly LinkRule[];
  }) =>
    ExternalProject.invite({
      ...input,
      kind: 'lockstep_peer',
      sealedCredentials: vault.seal({}),
      defaultStrategy: 'manual',
      fieldStrategies: {},
      nowMs: Date.now(),
    });

  return {
    createInvitation: (name, direction, linkRules = []) =>
      uow.run(async (em) => {
        await requireRuleOrigins(em, linkRules);
        const secret = randomBytes(32).toString('base64url');
        const expiresAt = new Date(Date.now() + invitationLifetimeMs).toISOString();
        const project = peerProject({
          id: newHubId(),
          name,
          direction,
          webhookSecret: newWebhookSecret(),
          linkRules,
          config: { role: 'inviter', invitationSecretHash: sha256(secret), invitationExpiresAt: expiresAt },
        });
        em.persist(project);
        const invitation = encodeInvitation({ v: 1, hubUrl: publicUrl(), projectId: project.id, secret, expiresAt, hubReplica: hub, name });
        return { result: { invitation, project }, events: [{ type: 'project.configured', projectId: project.id, at: new Date().toISOString(), status: project.status }] };
      }),

    async acceptInvitation(text, name, linkRules = []) {
      const invitation = decodeInvitation(text, Date.now());
      await requireRuleOrigins(uow.reader(), linkRules);
      // Recorded before the call and reused by a retry: when the inviting hub committed and our
      // side then failed, accepting again finishes the same handshake instead of being refused.
      const pending = await uow.run(async (em) => {
        const candidates = await em.find(ExternalProject, { kind: 'lockstep_peer', status: 'configuring' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const earlier = candidates.find((p) => p.config['pendingInvitation'] === invitation.projectId && p.config['peerUrl'] === invitation.hubUrl);
        if (earlier) {
          earlier.linkRules = [...linkRules];
          return { result: earlier, events: [] };
        }
        const project = peerProject({
          id: newHubId(),
          name,
          direction: 'bidirectional',
          webhookSecret: newWebhookSecret(),
          linkRules,
          config: { role: 'acceptor', pendingInvitation: invitation.projectId, peerUrl: invitation.hubUrl },
        });
        project.sealedCredentials = vault.seal({ tokenForPeer: randomBytes(32).toString('base64url') });
        em.persist(project);
        return { result: project, events: [] };
      });
      const tokenForPeer = String((vault.open(pending.sealedCredentials) as { tokenForPeer?: unknown }).tokenForPeer);
      const request: AcceptRequest = {
        projectId: invitation.projectId,
        secret: invitation.secret,
        hubUrl: publicUrl(),
        peerProjectId: pending.id,
        webhookSecret: pending.webhookSecret,
        apiToken: tokenForPeer,
        hubReplica: hub,
      };
      let answer: AcceptAnswer;
      try {
        const response = await sendRequest({ url: `${invitation.hubUrl}/api/peering/accept`, method: 'POST', json: request, timeoutMs: 15_000 });
        answer = acceptAnswerSchema.parse(responseJson(response));
      } catch (error) {
        throw new BadInputError(`invitation: the inviting hub refused or could not be reached (${error instanceof Error ? error.message : String(error)})`);
      }
      return uow.run(async (em) => {
        const project = await em.findOneOrFail(ExternalProject, { id: pending.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        project.name = name;
        project.direction = mirrorDirection(answer.direction);
        project.completeHandshake(
          { role: 'acceptor', peerUrl: invitation.hubUrl, peerProjectId: invitation.projectId, peerHubReplica: answer.hubReplica, peerTokenHash: sha256(tokenForPeer) },
          vault.seal({ peerWebhookSecret: answer.webhookSecret, peerApiToken: answer.apiToken }),
          Date.now(),
        );
        return { result: project, events: [{ type: 'project.configured', projectId: project.id, at: new Date().toISOString(), status: project.status }] };
      });
    },

    completeAcceptance: (request) =>
      uow.run(async (em) => {
        const project = await em.findOne(ExternalProject, { id: request.projectId, kind: 'lockstep_peer' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!project) throw new PeeringRefused(404, `No invitation for project ${request.projectId}`);
        const hash = project.config['invitationSecretHash'];
        if (typeof hash !== 'string' || !sameHash(hash, sha256(request.secret))) {
          if (project.status !== 'configuring') throw new PeeringRefused(409, 'This invitation was already accepted');
          throw new PeeringRefused(401, 'The invitation secret does not match');
        }
        if (Date.parse(String(project.config['invitationExpiresAt'])) <= Date.now()) throw new PeeringRefused(401, 'The invitation has expired');
        // The same accepting project asking again: its first answer was lost, so answer again.
        const again = project.status !== 'configuring';
        if (again && (project.config['peerProjectId'] !== request.peerProjectId || project.config['peerUrl'] !== request.hubUrl)) {
          throw new PeeringRefused(409, 'This invitation was already accepted');
        }
        const tokenForPeer = randomBytes(32).toString('base64url');
        const config = {
          role: 'inviter',
          peerUrl: request.hubUrl,
          peerProjectId: request.peerProjectId,
          peerHubReplica: request.hubReplica,
          peerTokenHash: sha256(tokenForPeer),
          invitationSecretHash: hash,
          invitationExpiresAt: String(project.config['invitationExpiresAt']),
        };
        const sealed = vault.seal({ peerWebhookSecret: request.webhookSecret, peerApiToken: request.apiToken });
        if (again) project.confirmHandshakeAgain(config, sealed, Date.now());
        else project.completeHandshake(config, sealed, Date.now());
        const answer: AcceptAnswer = { webhookSecret: project.webhookSecret, apiToken: tokenForPeer, hubReplica: hub, direction: project.direction };
        return { result: answer, events: [{ type: 'project.configured', projectId: project.id, at: new Date().toISOString(), status: project.status }] };
      }),

    async authenticatePeer(projectId, token) {
      if (!token || !isHubId(projectId)) return null;
      const project = await uow.reader().findOne(ExternalProject, { id: projectId, kind: 'lockstep_peer' });
      const hash = project?.config['peerTokenHash'];
      return project && typeof hash === 'string' && sameHash(hash, sha256(token)) ? project : null;
    },
  };
}
