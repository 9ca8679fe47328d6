// A ticket's row lock held from a connection of its own, as a concurrent transaction elsewhere
// (another request, another Lockstep process) would hold it, for tests of who waits for it.
import pg from 'pg';

export interface HeldRowLock {
  /** Commits the holding transaction and closes its connection. */
  release(): Promise<void>;
}

/** Takes the row lock of ticket `ticketId` in the database at `databaseUrl` and keeps it until released. */
export async function holdTicketLock(databaseUrl: string, ticketId: string): Promise<HeldRowLock> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query('select id from tickets where id = $1 for update', [ticketId]);
  return {
    async release() {
      await client.query('commit');
      await client.end();
    },
  };
}
