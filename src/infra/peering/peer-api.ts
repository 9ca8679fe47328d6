// What a peer hub may ask of this one, besides posting deliveries to its webhook URL: create the
// twin of one of its tickets (idempotent: asking twice returns the same twin), read the state of a
// linked ticket, page through every linked ticket's state (for reconcile), and take a comment it
// wrote, edited or deleted (applied like any side's comment report, through its link). States are
// built by the domain (peer-state.ts) so they carry global dots and respect direction and privacy.
import { LockMode } from '@mikro-orm/core';
import { Comment } from '#domain/comment/comment.ts';
import { DomainError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalComment } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { CommentLink } from '#domain/sync/comment-link.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { peerTicketState, type PeerTicketState } from '#domain/sync/peer-state.ts';
import { allowsPull } from '#domain/sync/policy.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { peerCommentSchema, peerDeliverySchema, toPeerState } from '#adapters/lockstep-peer/wire.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { applyComments } from '#infra/sync/comment-applier.ts';
import type { MirrorsComments } from '#infra/sync/comment-planner.ts';
import type { EngineEvent } from '#infra/sync/engine-events.ts';
import { importPeerTwin, lockPeerItem } from '#infra/sync/item-applier.ts';
import { isHubId } from '#infra/services/ids.ts';
import { PeeringRefused } from './peering-service.ts';

/** The peer API. */
export interface PeerApi {
  createTwin(project: ExternalProject, body: unknown): Promise<{ externalId: string }>;
  stateOf(project: ExternalProject, ticketId: string): Promise<PeerTicketState | null>;
  changes(project: ExternalProject, cursor: string | null, limit: number): Promise<{ states: PeerTicketState[]; cursor: string | null; done: boolean }>;
  /** Applies a comment the peer wrote, edited or deleted; answers with this hub's copy. */
  comment(project: ExternalProject, body: unknown): Promise<{ externalId: string | null; body: string }>;
}

/** The peer API over `uow`; `hub` is this hub's replica id. */
export function createPeerApi(uow: UnitOfWork, hub: string, mirrorsComments: MirrorsComments): PeerApi {
  return {
    async comment(project, body) {
      const parsed = peerCommentSchema.safeParse(body);
      if (!parsed.success) throw new PeeringRefused(400, `${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      if (!allowsPull(project.policy().direction)) throw new PeeringRefused(409, `This hub does not take comments from ${project.name} (direction ${project.direction})`);
      const sent = parsed.data;
      const reported: ExternalComment = {
        itemExternalId: sent.ticketId,
        externalId: sent.commentId,
        body: sent.body,
        author: sent.author,
        createdAtMs: sent.createdAtMs,
        updatedAtMs: sent.updatedAtMs,
        ...(sent.deleted ? { deleted: true } : {}),
      };
      return uow.run(async (em) => {
        const mapping = await em.findOne(SyncMapping, { projectId: project.id, externalId: sent.ticketId, status: 'linked' });
        if (!mapping) throw new PeeringRefused(404, `No ticket linked to "${sent.ticketId}"`);
        const events: Array<DomainEvent | EngineEvent> = [];
        await applyComments(em, project, [reported], { deliveryId: sent.deliveryId, mirrorsComments }, events);
        await em.flush();
        const link = await em.findOne(CommentLink, { projectId: project.id, externalId: sent.commentId });
        const copy = link && link.status === 'linked' ? await em.findOne(Comment, { id: link.commentId }) : null;
        return { result: { externalId: copy && !copy.isDeleted() ? copy.id : null, body: copy?.body ?? sent.body }, events };
      });
    },

    async createTwin(project, body) {
      const parsed = peerDeliverySchema.safeParse(body);
      if (!parsed.success) throw new PeeringRefused(400, `${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      if (!allowsPull(project.policy().direction)) throw new PeeringRefused(409, `This hub does not take tickets from ${project.name} (direction ${project.direction})`);
      const state = toPeerState(parsed.data.state);
      try {
        return await uow.run(async (em) => {
          await lockPeerItem(em, project.id, state.ticketId);
          const existing = await em.findOne(SyncMapping, { projectId: project.id, externalId: state.ticketId, status: 'linked' });
          if (existing) return { result: { externalId: existing.ticketId }, events: [] };
          // A person here unlinked our twin of that ticket: no new twin until it is linked again.
          if ((await em.count(SyncMapping, { projectId: project.id, externalId: state.ticketId, tombstone: true })) > 0) {
            throw new PeeringRefused(409, `Ticket "${state.ticketId}" was unlinked from ${project.name} on this hub`);
          }
          const events: Array<DomainEvent | EngineEvent> = [];
          const { ticket } = await importPeerTwin(em, project, state, { hub, deliveryId: parsed.data.deliveryId, dryRun: false }, events);
          return { result: { externalId: ticket.id }, events };
        });
      } catch (error) {
        if (error instanceof DomainError) throw new PeeringRefused(400, error.message);
        throw error;
      }
    },

    async stateOf(project, ticketId) {
      if (!isHubId(ticketId)) return null;
      const em = uow.reader();
      const mapping = await em.findOne(SyncMapping, { projectId: project.id, ticketId, status: 'linked' });
      const ticket = mapping ? await em.findOne(Ticket, { id: ticketId }) : null;
      return ticket ? peerTicketState(ticket, project.policy(), hub) : null;
    },

    async changes(project, cursor, limit) {
      const size = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 500) : 100;
      const em = uow.reader();
      const after = cursor && isHubId(cursor) ? await em.findOne(SyncMapping, { id: cursor }) : null;
      const where = after
        ? { projectId: project.id, status: 'linked' as const, $or: [{ linkedAt: { $gt: after.linkedAt } }, { linkedAt: after.linkedAt, id: { $gt: after.id } }] }
        : { projectId: project.id, status: 'linked' as const };
      const mappings = await em.find(SyncMapping, where, { orderBy: [{ linkedAt: 'asc' }, { id: 'asc' }], limit: size, lockMode: LockMode.NONE });
      const tickets = await em.find(Ticket, { id: { $in: mappings.map((m) => m.ticketId) } });
      const states = tickets.flatMap((ticket) => peerTicketState(ticket, project.policy(), hub) ?? []);
      const last = mappings.at(-1);
      return { states, cursor: last?.id ?? cursor, done: mappings.length < size };
    },
  };
}
