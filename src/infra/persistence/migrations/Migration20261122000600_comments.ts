// Comments: a ticket's conversation, its copies in connected projects (one link per comment and
// project, unique by the side's comment id too), comment push jobs, and comments in the inbox.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000600_comments extends Migration {
  override name = 'Migration20261122000600_comments';

  override up(): void {
    this.addSql(`create table comments (
      id uuid primary key,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      body text not null,
      author text not null,
      origin text not null,
      last_writer text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz
    )`);
    this.addSql('create index comments_ticket_idx on comments (ticket_id, created_at, id)');
    this.addSql(`create table comment_links (
      id uuid primary key,
      comment_id uuid not null references comments (id) on delete cascade deferrable initially deferred,
      ticket_id uuid not null references tickets (id) on delete cascade deferrable initially deferred,
      project_id uuid not null references external_projects (id) on delete cascade deferrable initially deferred,
      external_id text not null,
      item_external_id text not null,
      hub_body text not null,
      side_body text not null,
      side_updated_at timestamptz not null,
      status text not null check (status in ('linked', 'deleted'))
    )`);
    this.addSql('create unique index comment_links_comment_project_key on comment_links (comment_id, project_id)');
    this.addSql('create unique index comment_links_external_key on comment_links (project_id, external_id)');
    this.addSql('alter table push_jobs drop constraint push_jobs_operation_check');
    this.addSql(`alter table push_jobs add constraint push_jobs_operation_check check (operation in ('create', 'update', 'comment'))`);
    this.addSql('alter table push_jobs add column comment_id uuid references comments (id) on delete cascade deferrable initially deferred');
    this.addSql("create index push_jobs_pending_comment_idx on push_jobs (comment_id, project_id) where status = 'pending' and operation = 'comment'");
    this.addSql(`alter table inbox add column comments jsonb not null default '[]'`);
  }

  override down(): void {
    this.addSql('alter table inbox drop column comments');
    this.addSql('alter table push_jobs drop column comment_id');
    this.addSql(`delete from push_jobs where operation = 'comment'`);
    this.addSql('alter table push_jobs drop constraint push_jobs_operation_check');
    this.addSql(`alter table push_jobs add constraint push_jobs_operation_check check (operation in ('create', 'update'))`);
    this.addSql('drop table comment_links');
    this.addSql('drop table comments');
  }
}
