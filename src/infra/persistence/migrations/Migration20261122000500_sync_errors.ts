// Sync errors: values that could not be synced with a project (unmappable on the way in, refused
// on the way out), kept per project and link so they are visible instead of silently dropped.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000500_sync_errors extends Migration {
  override name = 'Migration20261122000500_sync_errors';

  override up(): void {
    this.addSql(`create table sync_errors (
      id uuid primary key,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      ticket_id uuid references tickets (id) on delete cascade deferrable initially deferred,
      external_id text,
      field text,
      value jsonb,
      direction text not null check (direction in ('inbound', 'outbound')),
      message text not null,
      delivery_id text,
      at timestamptz not null
    )`);
    this.addSql('create index sync_errors_project_idx on sync_errors (project_id, at desc)');
    this.addSql('create index sync_errors_ticket_idx on sync_errors (ticket_id, at desc)');
  }

  override down(): void {
    this.addSql('drop table sync_errors');
  }
}
