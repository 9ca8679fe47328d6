// Sign-in: a person pastes an API token; the console asks `viewer` with it and keeps it for the
// browser session (sessionStorage) only when Lockstep accepts it.
import { useEffect, useState } from 'preact/hooks';
import { createApi, type Api } from './api.ts';
import { Problem } from './problem.tsx';

export interface Viewer {
  readonly name: string;
  readonly role: 'VIEWER' | 'EDITOR' | 'REVIEWER' | 'ADMIN';
}

const VIEWER = '{ viewer { name role } }';

export function SignIn({ remembered, onSignedIn, onForget }: { remembered: Api | null; onSignedIn: (viewer: Viewer, token: string) => void; onForget: () => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A token kept from earlier in this browser session signs in by itself while Lockstep accepts it.
  useEffect(() => {
    if (!remembered) return;
    const kept = sessionStorage.getItem('lockstep.console.token');
    remembered
      .run<{ viewer: Viewer }>(VIEWER)
      .then((data) => kept && onSignedIn(data.viewer, kept))
      .catch(() => onForget());
  }, [remembered]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const api = createApi(token.trim());
    try {
      const data = await api.run<{ viewer: Viewer }>(VIEWER);
      onSignedIn(data.viewer, token.trim());
    } catch (error) {
      setProblem(error instanceof Error ? `Lockstep refused this token: ${error.message}` : 'Lockstep refused this token.');
    } finally {
      api.close();
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Lockstep console</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
        <Problem text={problem} />
      </form>
      <p class="hint">An admin creates tokens with the createApiToken mutation; Lockstep prints the first admin token when it starts.</p>
    </main>
  );
}
