// An acknowledged alert group remembers the silence Lockstep made for it at its source, so the
// silence is expired when the ticket reopens or resolves (the source's own list stays the truth),
// and the labels the source groups by, which are the silence's matchers.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130050000_alert_group_silence extends Migration {
  override name = 'Migration20261130050000_alert_group_silence';

  override up(): void {
    this.addSql('alter table alert_groups add column silence_id text');
    this.addSql('alter table alert_groups add column group_labels jsonb');
  }

  override down(): void {
    this.addSql('alter table alert_groups drop column group_labels');
    this.addSql('alter table alert_groups drop column silence_id');
  }
}
