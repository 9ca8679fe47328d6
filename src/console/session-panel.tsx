// One sync session as the Projects view shows it: a progress bar while it runs, its counts, and
// for a dry run the plan as a table (what would be created, updated, pushed or flagged).
import { showEnum, showTime } from './format.ts';

interface PlanEntry {
  readonly action: string;
  readonly direction: string;
  readonly field: string | null;
  readonly externalId: string | null;
  readonly ticketId: string | null;
}

export interface SessionView {
  readonly id: string;
  readonly kind: string;
  readonly status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  readonly dryRun: boolean;
  readonly processed: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly conflicts: number;
  readonly errors: number;
  readonly errorMessages: readonly string[];
  readonly startedAt: string;
  readonly completedAt: string | null;
  readonly plan?: readonly PlanEntry[];
  /** Set once the finished session's plan was read. */
  readonly planLoaded?: boolean;
}

export function SessionPanel({ session }: { session: SessionView }) {
  const label = `${session.dryRun ? 'Dry run' : 'Sync'} (${showEnum(session.kind)})`;
  return (
    <section class="session" aria-label={label}>
      <h3>
        {label}: {showEnum(session.status)}
      </h3>
      {session.status === 'RUNNING' ? (
        <progress aria-label={`${label} progress`}>{session.processed} processed</progress>
      ) : (
        <progress aria-label={`${label} progress`} max={1} value={1} />
      )}
      <p class="meta">
        {session.processed} processed · {session.created} created · {session.updated} updated · {session.unchanged} unchanged · {session.conflicts} conflicts ·{' '}
        {session.errors} errors · started {showTime(session.startedAt)}
        {session.completedAt ? `, ended ${showTime(session.completedAt)}` : ''}
      </p>
      {session.errorMessages.length > 0 && (
        <ul class="problem">
          {session.errorMessages.slice(0, 5).map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {session.dryRun && session.status !== 'RUNNING' && session.plan && (
        <table>
          <caption>Plan: nothing below was applied</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Direction</th>
              <th scope="col">Field</th>
              <th scope="col">External item</th>
              <th scope="col">Ticket</th>
            </tr>
          </thead>
          <tbody>
            {session.plan.length === 0 ? (
              <tr>
                <td colSpan={5}>Nothing to do</td>
              </tr>
            ) : (
              session.plan.map((entry, index) => (
                <tr key={index}>
                  <td>{entry.action}</td>
                  <td>{entry.direction}</td>
                  <td>{entry.field ?? ''}</td>
                  <td>{entry.externalId ?? ''}</td>
                  <td>{entry.ticketId ? <a href={`#/tickets/${entry.ticketId}`}>{entry.ticketId.slice(0, 8)}</a> : ''}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
