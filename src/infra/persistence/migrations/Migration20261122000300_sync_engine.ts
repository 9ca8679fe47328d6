// The sync engine's tables: connected projects, ticket <-> external item links with their
// per-field replica state, the inbox of received deliveries (deduplicated by the source's delivery
// id), outbound push jobs (with attempts and a dead-letter state), and the audit trail.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000300_sync_engine extends Migration {
  override name = 'Migration20261122000300_sync_engine';

  override up(): void {
    this.addSql(`create table external_projects (
      id uuid primary key,
      name text not null,
      kind text not null,
      status text not null,
      direction text not null,
      config jsonb not null,
      sealed_credentials text not null,
      default_strategy text not null,
      field_strategies jsonb not null,
      mapped_fields text[] not null,
      allows_shareable boolean not null,
      sync_mode text not null,
      poll_interval_seconds integer not null,
      webhook_secret text not null,
      previous_webhook_secret text,
      previous_secret_valid_until timestamptz,
      handshake_status text not null,
      consecutive_failures integer not null default 0,
      last_error text,
      last_error_at timestamptz,
      rate_limited_until timestamptz,
      cursor text,
      last_synced_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create index external_projects_listing_idx on external_projects (created_at desc, id desc)');
    this.addSql(`create table sync_mappings (
      id uuid primary key,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      external_id text not null,
      external_url text,
      status text not null,
      fields jsonb not null,
      linked_at timestamptz not null,
      unlinked_at timestamptz
    )`);
    this.addSql(`create unique index sync_mappings_ticket_uq on sync_mappings (ticket_id, project_id) where status = 'linked'`);
    this.addSql(`create unique index sync_mappings_external_uq on sync_mappings (project_id, external_id) where status = 'linked'`);
    this.addSql(`create table inbox (
      id uuid primary key,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      delivery_id text not null,
      received_at timestamptz not null,
      items jsonb not null,
      status text not null check (status in ('pending', 'processed', 'failed')),
      attempts integer not null default 0,
      processed_at timestamptz,
      error text,
      unique (project_id, delivery_id)
    )`);
    this.addSql(`create index inbox_pending_idx on inbox (received_at) where status = 'pending'`);
    this.addSql(`create table push_jobs (
      id uuid primary key,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      mapping_id uuid references sync_mappings (id) on delete cascade deferrable initially deferred,
      operation text not null check (operation in ('create', 'update')),
      fields jsonb not null,
      status text not null check (status in ('pending', 'delivered', 'dead')),
      attempts integer not null default 0,
      last_error text,
      next_attempt_at timestamptz not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      delivered_at timestamptz
    )`);
    this.addSql(`create index push_jobs_pending_idx on push_jobs (next_attempt_at) where status = 'pending'`);
    this.addSql(`create index push_jobs_project_idx on push_jobs (project_id, status, created_at desc)`);
    this.addSql(`create unique index push_jobs_one_create_uq on push_jobs (project_id, ticket_id) where operation = 'create' and status = 'pending'`);
    this.addSql(`create table audit_entries (
      id bigserial primary key,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      project_id uuid,
      field text not null,
      from_value jsonb,
      to_value jsonb,
      origin text not null,
      actor text,
      delivery_id text,
      at timestamptz not null
    )`);
    this.addSql('create index audit_entries_ticket_idx on audit_entries (ticket_id, id)');
  }

  override down(): void {
    for (const table of ['audit_entries', 'push_jobs', 'inbox', 'sync_mappings', 'external_projects']) {
      this.addSql(`drop table ${table}`);
    }
  }
}
