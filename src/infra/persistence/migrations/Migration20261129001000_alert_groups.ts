// Alert groups: per source project and group key, the current episode's ticket and bookkeeping;
// the alerts of each alert-group ticket; and the alerts a delivery carries, kept in the inbox.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261129001000_alert_groups extends Migration {
  override name = 'Migration20261129001000_alert_groups';

  override up(): void {
    this.addSql(`create table alert_groups (
      id uuid primary key,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      group_key text not null,
      ticket_id uuid references tickets (id) on delete set null deferrable initially deferred,
      resolved_at timestamptz,
      earlier jsonb not null default '[]',
      routed_project_ids jsonb not null default '[]',
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create unique index alert_groups_key on alert_groups (project_id, group_key)');
    this.addSql(`create table alert_instances (
      id uuid primary key,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      group_id uuid not null references alert_groups (id) on delete cascade deferrable initially deferred,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      fingerprint text not null,
      group_key text not null,
      name text not null,
      status text not null check (status in ('firing', 'resolved')),
      severity text,
      summary text,
      labels jsonb not null,
      starts_at timestamptz not null,
      ends_at timestamptz,
      generator_url text,
      observed_at timestamptz not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create unique index alert_instances_ticket_key on alert_instances (ticket_id, fingerprint)');
    this.addSql(
      'create index alert_instances_ticket_newest_idx on alert_instances (ticket_id, starts_at desc, id desc)',
    );
    this.addSql('create index alert_instances_group_idx on alert_instances (group_id)');
    this.addSql(`alter table inbox add column alerts jsonb not null default '[]'`);
  }

  override down(): void {
    this.addSql('alter table inbox drop column alerts');
    this.addSql('drop table alert_instances');
    this.addSql('drop table alert_groups');
  }
}
