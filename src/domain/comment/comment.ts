// A comment on a ticket: the conversation that travels with a work item. Unlike fields, comments
// are not merged: each belongs to whoever posted it, edits to one comment are rare and come from
// its author, so the newest write wins (by the time each side stamps it) and a deletion is final.
// `origin` is where the comment was first posted (`hub` or a project id); `lastWriter` is where
// the text now held came from, so a write is never echoed back to the side that made it.

import { InvalidCommentInput } from '../errors.ts';
import type { DomainEvent } from '../events.ts';

/** Where a comment write came from: the hub's own API, or a connected project (its id). */
export type CommentOrigin = 'hub' | (string & {});

/** One write to a comment. */
export interface CommentWrite {
  readonly origin: CommentOrigin;
  /** Who wrote it (a hub user, or the side's display name). */
  readonly author: string;
  /** The hub account that wrote it (its API token id); absent for writes from a connected tool. */
  readonly authorId?: string;
  /** When the writer's side says it happened (ms since epoch). */
  readonly atMs: number;
}

/** What a write did: nothing (same text, older, or the comment is gone), or events to commit. */
export interface CommentChange {
  readonly changed: boolean;
  readonly events: DomainEvent[];
}

const maxBody = 32_768;

/** The body validated and trimmed; throws InvalidCommentInput. */
export function normaliseCommentBody(body: unknown): string {
  if (typeof body !== 'string') throw new InvalidCommentInput('body', 'must be a string');
  const text = body.trim();
  if (text.length === 0) throw new InvalidCommentInput('body', 'must not be empty');
  if (text.length > maxBody) throw new InvalidCommentInput('body', `must be at most ${maxBody} characters`);
  if (text.includes('\u0000')) throw new InvalidCommentInput('body', 'must not contain a NUL character (\\u0000)');
  // PostgreSQL's jsonb refuses half of a UTF-16 surrogate pair, as it refuses NUL.
  if (!text.isWellFormed()) throw new InvalidCommentInput('body', 'must not contain a lone surrogate (half of a UTF-16 pair)');
  return text;
}

const unchanged: CommentChange = { changed: false, events: [] };

/** A comment on a ticket (plain properties, mapped by MikroORM without a constructor call). */
export class Comment {
  id!: string;
  ticketId!: string;
  body!: string;
  author!: string;
  /** The hub account that posted it; null when it came from a connected tool (or predates ids). */
  authorId!: string | null;
  origin!: CommentOrigin;
  lastWriter!: CommentOrigin;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt!: Date | null;

  /** A new comment with `body`, posted by `write`. */
  static post(input: { readonly id: string; readonly ticketId: string; readonly body: unknown }, write: CommentWrite): { comment: Comment; events: DomainEvent[] } {
    const body = normaliseCommentBody(input.body);
    const at = new Date(write.atMs);
    const comment = Object.assign(new Comment(), {
      id: input.id,
      ticketId: input.ticketId,
      body,
      author: write.author,
      authorId: write.authorId ?? null,
      origin: write.origin,
      lastWriter: write.origin,
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
    });
    return { comment, events: [comment.event('comment.added', write)] };
  }

  /** True once deleted (on any side). */
  isDeleted(): boolean {
    return this.deletedAt !== null;
  }

  /**
   * Replaces the text when `write` is at least as new as the text held; an older write (a side
   * reporting an edit our newer text already replaced) changes nothing.
   */
  edit(body: unknown, write: CommentWrite): CommentChange {
    const text = normaliseCommentBody(body);
    if (this.isDeleted() || text === this.body || write.atMs < this.updatedAt.getTime()) return unchanged;
    this.body = text;
    this.lastWriter = write.origin;
    this.updatedAt = new Date(Math.max(write.atMs, this.updatedAt.getTime()));
    return { changed: true, events: [this.event('comment.edited', write)] };
  }

  /** Deletes the comment (final: later edits are ignored). */
  remove(write: CommentWrite): CommentChange {
    if (this.isDeleted()) return unchanged;
    this.deletedAt = new Date(Math.max(write.atMs, this.updatedAt.getTime()));
    this.lastWriter = write.origin;
    return { changed: true, events: [this.event('comment.deleted', write)] };
  }

  /** True when `authorId` posted this comment through the hub (the one who may edit or delete it). */
  isPostedBy(authorId: string): boolean {
    return this.origin === 'hub' && this.authorId === authorId;
  }

  private event(type: 'comment.added' | 'comment.edited' | 'comment.deleted', write: CommentWrite): DomainEvent {
    return { type, ticketId: this.ticketId, commentId: this.id, origin: write.origin, author: write.author, at: new Date(write.atMs).toISOString() };
  }
}
