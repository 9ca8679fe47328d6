// Every transaction that writes to the outbox also signals `lockstep_outbox` (delivered at commit,
// once per transaction however many rows), so relays in every process wake at once instead of
// polling the table several times a second.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130060100_outbox_notify extends Migration {
  override name = 'Migration20261130060100_outbox_notify';

  override up(): void {
    this.addSql(`create or replace function lockstep_outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('lockstep_outbox', '');
        return null;
      end $$`);
    this.addSql('create trigger outbox_notify after insert on outbox for each statement execute function lockstep_outbox_notify()');
  }
}
