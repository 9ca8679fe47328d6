// A project's traffic by minute (the console's activity chart) reads the inbox by received time
// and delivered pushes by delivery time, per project: one index each keeps that off a table scan.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130060000_activity_indexes extends Migration {
  override name = 'Migration20261130060000_activity_indexes';

  override up(): void {
    this.addSql('create index inbox_project_received_idx on inbox (project_id, received_at)');
    this.addSql('create index push_jobs_project_delivered_idx on push_jobs (project_id, delivered_at) where delivered_at is not null');
  }
}
