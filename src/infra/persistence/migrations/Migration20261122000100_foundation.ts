// The first schema: API tokens, the transactional outbox and hub-wide settings. Migrations are
// versioned, committed and run on start; the schema is never synchronised from entities.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000100_foundation extends Migration {
  override name = 'Migration20261122000100_foundation';

  override up(): void {
    this.addSql(`create table hub_settings (
      key text primary key,
      value jsonb not null
    )`);
    this.addSql(`create table api_tokens (
      id uuid primary key,
      name text not null,
      role text not null check (role in ('viewer', 'editor', 'reviewer', 'admin')),
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    )`);
    this.addSql(`create table outbox (
      id uuid primary key,
      seq bigserial not null unique,
      subject text not null,
      type text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`);
    this.addSql('create index outbox_unpublished_idx on outbox (seq) where published_at is null');
  }

  override down(): void {
    this.addSql('drop table outbox');
    this.addSql('drop table api_tokens');
    this.addSql('drop table hub_settings');
  }
}
