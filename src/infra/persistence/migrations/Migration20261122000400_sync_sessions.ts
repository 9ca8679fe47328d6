// Sync sessions (bounded sync operations with their counts, plan and cursor), and when the
// scheduler last polled each project.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000400_sync_sessions extends Migration {
  override name = 'Migration20261122000400_sync_sessions';

  override up(): void {
    this.addSql('alter table external_projects add column last_polled_at timestamptz');
    this.addSql(`create table sync_sessions (
      id uuid primary key,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      kind text not null,
      status text not null check (status in ('running', 'completed', 'failed')),
      dry_run boolean not null,
      trigger text not null,
      created integer not null,
      updated integer not null,
      unchanged integer not null,
      conflicts integer not null,
      errors integer not null,
      error_messages jsonb not null,
      plan jsonb not null,
      cursor text,
      processed integer not null,
      notes jsonb not null,
      started_at timestamptz not null,
      completed_at timestamptz
    )`);
    this.addSql('create index sync_sessions_project_idx on sync_sessions (project_id, started_at desc)');
    this.addSql(`create index sync_sessions_running_idx on sync_sessions (started_at) where status = 'running'`);
  }

  override down(): void {
    this.addSql('drop table sync_sessions');
    this.addSql('alter table external_projects drop column last_polled_at');
  }
}
