// Comments posted through the API remember the token that posted them, so ownership is decided by
// the token's id, not by its display name (free text, not unique). Older comments have none.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000100_comment_author_token extends Migration {
  override name = 'Migration20261129000100_comment_author_token';

  override up(): void {
    this.addSql('alter table comments add column author_id text');
  }

  override down(): void {
    this.addSql('alter table comments drop column author_id');
  }
}
