// The reviewer console's entry: sign-in with an API token kept for the browser session, then the
// four views (Conflicts, Projects, Catalog, Tickets) behind links in a navigation bar. Routes are
// URL fragments (#/conflicts) so the server serves one page and reloads keep the view.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, type Api } from './api.ts';
import { CatalogView } from './catalog.tsx';
import { ConflictsView } from './conflicts.tsx';
import { ProjectsView } from './projects.tsx';
import { SignIn, type Viewer } from './sign-in.tsx';
import { TicketsView } from './tickets.tsx';

const TOKEN_KEY = 'lockstep.console.token';

const views = [
  { path: 'conflicts', label: 'Conflicts' },
  { path: 'projects', label: 'Projects' },
  { path: 'catalog', label: 'Catalog' },
  { path: 'tickets', label: 'Tickets' },
] as const;
type ViewPath = (typeof views)[number]['path'];

function currentRoute(): { view: ViewPath; rest: string } {
  const [, view = '', ...rest] = location.hash.replace(/^#/, '').split('/');
  const known = views.find((candidate) => candidate.path === view);
  return { view: known?.path ?? 'conflicts', rest: rest.join('/') };
}

function useRoute(): { view: ViewPath; rest: string } {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Console({ api, viewer, onSignOut }: { api: Api; viewer: Viewer; onSignOut: () => void }) {
  const route = useRoute();
  useEffect(() => () => api.close(), [api]);
  return (
    <>
      <header class="bar">
        <span class="brand">Lockstep</span>
        <nav aria-label="Console">
          <ul>
            {views.map((view) => (
              <li key={view.path}>
                <a href={`#/${view.path}`} aria-current={route.view === view.path ? 'page' : undefined}>
                  {view.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {viewer.name} ({viewer.role.toLowerCase()})
        </span>
        <button type="button" class="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        {route.view === 'conflicts' && <ConflictsView api={api} viewer={viewer} />}
        {route.view === 'projects' && <ProjectsView api={api} viewer={viewer} />}
        {route.view === 'catalog' && <CatalogView api={api} viewer={viewer} kind={route.rest} />}
        {route.view === 'tickets' && <TicketsView api={api} viewer={viewer} ticketId={route.rest} />}
      </main>
    </>
  );
}

function App() {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const api = useMemo(() => (token ? createApi(token) : null), [token]);
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setViewer(null);
    setToken(null);
  };
  if (!api || !viewer) {
    return (
      <SignIn
        remembered={api}
        onSignedIn={(signedIn, accepted) => {
          sessionStorage.setItem(TOKEN_KEY, accepted);
          setToken(accepted);
          setViewer(signedIn);
        }}
        onForget={signOut}
      />
    );
  }
  return <Console api={api} viewer={viewer} onSignOut={signOut} />;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
