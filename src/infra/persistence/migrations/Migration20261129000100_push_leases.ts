// Push jobs get a lease (one process runs a job at a time; an expired lease lets another take it)
// and a `superseded` end: a job that gave way to a change the side made since our base.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000100_push_leases extends Migration {
  override name = 'Migration20261129000100_push_leases';

  override up(): void {
    this.addSql('alter table push_jobs drop constraint if exists push_jobs_status_check');
    this.addSql(`alter table push_jobs add constraint push_jobs_status_check
      check (status in ('pending', 'delivered', 'dead', 'superseded'))`);
    this.addSql('alter table push_jobs add column lease_owner text, add column lease_until timestamptz');
  }
}
