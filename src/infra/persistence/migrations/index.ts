// Every migration, in order. Listed explicitly (not discovered from disk) so they run the same
// under Node's type stripping, in tests and in the container image.
import { Migration20261122000100_foundation } from './Migration20261122000100_foundation.ts';
import { Migration20261122000200_tickets } from './Migration20261122000200_tickets.ts';
import { Migration20261122000300_sync_engine } from './Migration20261122000300_sync_engine.ts';
import { Migration20261122000400_sync_sessions } from './Migration20261122000400_sync_sessions.ts';
import { Migration20261122000500_sync_errors } from './Migration20261122000500_sync_errors.ts';
import { Migration20261122000600_comments } from './Migration20261122000600_comments.ts';
import { Migration20261129000100_push_leases } from './Migration20261129000100_push_leases.ts';
import { Migration20261129000200_comment_author_token } from './Migration20261129000200_comment_author_token.ts';
import { Migration20261129001000_alert_groups } from './Migration20261129001000_alert_groups.ts';
import { Migration20261130030000_link_rules } from './Migration20261130030000_link_rules.ts';
import { Migration20261130040000_outbox_trace_context } from './Migration20261130040000_outbox_trace_context.ts';
import { Migration20261130050000_alert_group_silence } from './Migration20261130050000_alert_group_silence.ts';
import { Migration20261130060000_activity_indexes } from './Migration20261130060000_activity_indexes.ts';
import { Migration20261130060100_outbox_notify } from './Migration20261130060100_outbox_notify.ts';
import { Migration20261201000000_outbox_notify_rows } from './Migration20261201000000_outbox_notify_rows.ts';

export const migrations = [
  Migration20261122000100_foundation,
  Migration20261122000200_tickets,
  Migration20261122000300_sync_engine,
  Migration20261122000400_sync_sessions,
  Migration20261122000500_sync_errors,
  Migration20261122000600_comments,
  Migration20261129000100_push_leases,
  Migration20261129000200_comment_author_token,
  Migration20261129001000_alert_groups,
  Migration20261130030000_link_rules,
  Migration20261130040000_outbox_trace_context,
  Migration20261130050000_alert_group_silence,
  Migration20261130060000_activity_indexes,
  Migration20261130060100_outbox_notify,
  Migration20261201000000_outbox_notify_rows,
];
