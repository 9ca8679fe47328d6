// Tickets and their conflicts. Current values are columns for filtering; versions live in jsonb.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000200_tickets extends Migration {
  override name = 'Migration20261122000200_tickets';

  override up(): void {
    this.addSql(`create table tickets (
      id uuid primary key,
      kind text not null,
      privacy text not null,
      title text not null,
      description text not null default '',
      status text not null,
      priority text not null,
      assignee text,
      labels text[] not null default '{}',
      custom_fields jsonb not null default '{}',
      registers jsonb not null,
      clock jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create index tickets_listing_idx on tickets (created_at desc, id desc)');
    this.addSql('create index tickets_status_idx on tickets (status)');
    this.addSql('create index tickets_kind_idx on tickets (kind)');
    this.addSql('create index tickets_labels_idx on tickets using gin (labels)');
    this.addSql(`create table conflicts (
      id uuid primary key,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      project_id uuid,
      field text not null,
      candidates jsonb not null,
      strategy text not null,
      status text not null check (status in ('open', 'resolved')),
      detected_at timestamptz not null,
      resolution jsonb
    )`);
    this.addSql('create index conflicts_listing_idx on conflicts (detected_at desc, id desc)');
    this.addSql('create index conflicts_ticket_idx on conflicts (ticket_id)');
    this.addSql(`create index conflicts_open_idx on conflicts (status) where status = 'open'`);
  }

  override down(): void {
    this.addSql('drop table conflicts');
    this.addSql('drop table tickets');
  }
}
