// Sync rules and unlinking: each project's link rules; the replica that created each ticket (rules
// can name the project a ticket came from; older tickets take the origin of their first write);
// who stopped a link, with the tombstone that makes deliveries about that item ignored; and alert
// groups no longer keep their own routing list (routes are rules of their targets).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130030000_link_rules extends Migration {
  override name = 'Migration20261130030000_link_rules';

  override up(): void {
    this.addSql(`alter table external_projects add column link_rules jsonb not null default '[]'`);
    this.addSql('alter table tickets add column origin_replica text');
    this.addSql(`update tickets set origin_replica = registers -> 'kind' -> 'siblings' -> 0 -> 'origin' ->> 'replica'`);
    this.addSql('alter table sync_mappings add column unlinked_by text');
    this.addSql('alter table sync_mappings add column tombstone boolean not null default false');
    this.addSql('create index sync_mappings_tombstone_idx on sync_mappings (project_id, external_id) where tombstone');
    this.addSql('create index sync_mappings_ticket_project_idx on sync_mappings (ticket_id, project_id)');
    this.addSql(`create index push_jobs_creates_idx on push_jobs (ticket_id, project_id) where operation = 'create'`);
    // Alert routes are sync rules now: a ticket ever linked to a target is what keeps it from a second create.
    this.addSql('alter table alert_groups drop column routed_project_ids');
  }

  override down(): void {
    this.addSql(`alter table alert_groups add column routed_project_ids jsonb not null default '[]'`);
    this.addSql('drop index push_jobs_creates_idx');
    this.addSql('drop index sync_mappings_ticket_project_idx');
    this.addSql('drop index sync_mappings_tombstone_idx');
    this.addSql('alter table sync_mappings drop column tombstone');
    this.addSql('alter table sync_mappings drop column unlinked_by');
    this.addSql('alter table tickets drop column origin_replica');
    this.addSql('alter table external_projects drop column link_rules');
  }
}
