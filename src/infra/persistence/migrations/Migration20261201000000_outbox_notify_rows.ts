// The outbox signal fires only for statements that added rows. A statement-level trigger also
// fires for an insert of no rows, and the webhook door's statement inserts none when this process
// handles the delivery itself (local-handoff.ts): each such delivery woke every relay for nothing.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_outbox_notify_rows extends Migration {
  override name = 'Migration20261201000000_outbox_notify_rows';

  override up(): void {
    this.addSql(`create or replace function lockstep_outbox_notify() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from added) then
          perform pg_notify('lockstep_outbox', '');
        end if;
        return null;
      end $$`);
    this.addSql('drop trigger outbox_notify on outbox');
    this.addSql('create trigger outbox_notify after insert on outbox referencing new table as added for each statement execute function lockstep_outbox_notify()');
  }
}
