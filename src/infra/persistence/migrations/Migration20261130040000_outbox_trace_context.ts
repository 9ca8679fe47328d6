// Outbox rows carry the W3C trace context of the work that wrote them, so the relay can put it in
// the NATS message headers and the trace goes on in whichever process consumes the event.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130040000_outbox_trace_context extends Migration {
  override name = 'Migration20261130040000_outbox_trace_context';

  override up(): void {
    this.addSql('alter table outbox add column trace_context jsonb');
  }

  override down(): void {
    this.addSql('alter table outbox drop column trace_context');
  }
}
