// Tickets: a filtered list, and one ticket in full: its fields (editable with `expectedVersion`,
// so a stale edit is refused and shown instead of overwriting), its links with each side's errors,
// its open conflicts, history, comments and alerts.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.ts';
import { showEnum, showTime } from './format.ts';
import type { Viewer } from './sign-in.tsx';
import { TicketDetail } from './ticket-detail.tsx';
import { Problem } from './problem.tsx';

interface TicketRow {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly kind: string;
  readonly updatedAt: string;
}

const STATUSES = ['OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED', 'RESOLVED', 'CLOSED'];
const LIST = `query($filter: TicketFilter) {
  tickets(first: 50, filter: $filter) { edges { node { id title status priority kind updatedAt } } }
}`;

export function TicketsView({ api, viewer, ticketId }: { api: Api; viewer: Viewer; ticketId: string }) {
  if (ticketId) return <TicketDetail api={api} viewer={viewer} id={ticketId} />;
  return <TicketList api={api} />;
}

function TicketList({ api }: { api: Api }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<TicketRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const filter = { ...(text.trim() ? { text: text.trim() } : {}), ...(status ? { status: [status] } : {}) };
    const timer = setTimeout(() => {
      api
        .run<{ tickets: { edges: Array<{ node: TicketRow }> } }>(LIST, { filter })
        .then((data) => live && setRows(data.tickets.edges.map((edge) => edge.node)))
        .catch((error: unknown) => live && setProblem(error instanceof Error ? error.message : String(error)));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, text, status]);

  return (
    <section aria-labelledby="tickets-title">
      <h1 id="tickets-title">Tickets</h1>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label for="ticket-text">Search</label>
        <input id="ticket-text" type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} />
        <label for="ticket-status">Status</label>
        <select id="ticket-status" value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">Any</option>
          {STATUSES.map((option) => (
            <option key={option} value={option}>
              {showEnum(option)}
            </option>
          ))}
        </select>
      </form>
      <Problem text={problem} />
      {rows === null ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p class="empty">No ticket matches.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Kind</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <a href={`#/tickets/${row.id}`}>{row.title}</a>
                </td>
                <td>{showEnum(row.status)}</td>
                <td>{row.priority}</td>
                <td>{showEnum(row.kind)}</td>
                <td>{showTime(row.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
