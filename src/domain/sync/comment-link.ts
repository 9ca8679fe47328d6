// How one comment is mirrored into one project: the side's id for it and what the side is known to
// hold. `hubBody` is the hub text the side holds (sent by us or reported by it) and `sideBody` the
// same text as the side renders it back (Jira turns Markdown into ADF and back), so a report equal
// to `sideBody` is our own write coming back (an echo), a newer different one is a person's edit,
// and an older one is stale. The hub text differing from `hubBody` is what calls for a push.

import type { Comment } from '../comment/comment.ts';

/** What a report of a mirrored comment means. */
export type CommentReportKind = 'stale' | 'echo' | 'edited' | 'deleted';

/** A comment as a side reports it. */
export interface CommentReport {
  readonly body: string;
  readonly updatedAtMs: number;
  readonly deleted?: boolean;
}

/** What a push of a comment to a side must do now. */
export type CommentPushAction = 'post' | 'edit' | 'delete' | 'none';

/** A comment's link to its copy in one project. */
export class CommentLink {
  id!: string;
  commentId!: string;
  ticketId!: string;
  projectId!: string;
  /** The side's id of the comment. */
  externalId!: string;
  /** The side's id of the item the comment sits on. */
  itemExternalId!: string;
  hubBody!: string;
  sideBody!: string;
  /** When the side last changed the comment, as it reported; older reports are stale. */
  sideUpdatedAt!: Date;
  status!: 'linked' | 'deleted';

  /** A link for a comment the side now holds with `hubBody`, rendered there as `sideBody`. */
  static link(input: {
    readonly id: string;
    readonly comment: Comment;
    readonly projectId: string;
    readonly externalId: string;
    readonly itemExternalId: string;
    readonly hubBody: string;
    readonly sideBody: string;
    readonly sideUpdatedAtMs: number;
  }): CommentLink {
    return Object.assign(new CommentLink(), {
      id: input.id,
      commentId: input.comment.id,
      ticketId: input.comment.ticketId,
      projectId: input.projectId,
      externalId: input.externalId,
      itemExternalId: input.itemExternalId,
      hubBody: input.hubBody,
      sideBody: input.sideBody,
      sideUpdatedAt: new Date(input.sideUpdatedAtMs),
      status: 'linked' as const,
    });
  }

  /** Classifies a report from the side and records what it says the side holds. */
  observe(report: CommentReport): CommentReportKind {
    if (report.deleted) {
      if (this.status === 'deleted') return 'stale';
      this.status = 'deleted';
      return 'deleted';
    }
    if (this.status === 'deleted' || report.updatedAtMs < this.sideUpdatedAt.getTime()) return 'stale';
    this.sideUpdatedAt = new Date(report.updatedAtMs);
    if (report.body === this.sideBody) return 'echo';
    this.sideBody = report.body;
    this.hubBody = report.body.trim();
    return 'edited';
  }

  /** What the side needs for it to hold `comment` as the hub does. */
  static pushAction(comment: Comment, link: CommentLink | null): CommentPushAction {
    if (link === null) return comment.isDeleted() ? 'none' : 'post';
    if (link.status === 'deleted') return 'none';
    if (comment.isDeleted()) return 'delete';
    return comment.body === link.hubBody ? 'none' : 'edit';
  }

  /** The side acknowledged an edit: it holds `hubBody`, rendered as `sideBody`. */
  recordEdited(hubBody: string, sideBody: string, sideUpdatedAtMs: number | undefined): void {
    this.hubBody = hubBody;
    this.sideBody = sideBody;
    if (sideUpdatedAtMs !== undefined && sideUpdatedAtMs > this.sideUpdatedAt.getTime()) this.sideUpdatedAt = new Date(sideUpdatedAtMs);
  }

  /** The side acknowledged the deletion. */
  recordDeleted(): void {
    this.status = 'deleted';
  }
}
