// Every migration, in order. Listed explicitly (not discovered from disk) so they run the same
// under Node's type stripping, in tests and in the container image.
import { Migration20261122000100_foundation } from './Migration20261122000100_foundation.ts';
import { Migration20261122000200_tickets } from './Migration20261122000200_tickets.ts';
import { Migration20261122000300_sync_engine } from './Migration20261122000300_sync_engine.ts';
import { Migration20261122000400_sync_sessions } from './Migration20261122000400_sync_sessions.ts';
import { Migration20261122000500_sync_errors } from './Migration20261122000500_sync_errors.ts';
import { Migration20261122000600_comments } from './Migration20261122000600_comments.ts';
import { Migration20261129000100_comment_author_token } from './Migration20261129000100_comment_author_token.ts';

export const migrations = [
  Migration20261122000100_foundation,
  Migration20261122000200_tickets,
  Migration20261122000300_sync_engine,
  Migration20261122000400_sync_sessions,
  Migration20261122000500_sync_errors,
  Migration20261122000600_comments,
  Migration20261129000100_comment_author_token,
];
