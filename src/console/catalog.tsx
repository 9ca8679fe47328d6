// Catalog: every integration this Lockstep ships as a tile (mark and product name). A tile opens
// its setup guide: the steps in that system, the projects of that kind already connected with the
// webhook URL and secret to paste (admins), and a connect form generated from the connector's own
// config and credentials schemas. Connecting runs Lockstep's connection test; its answer is shown.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.ts';
import { showEnum } from './format.ts';
import { guides } from './guides.ts';
import { Mark } from './marks.tsx';
import { SchemaFields, type JsonSchema, type SchemaFormValue } from './schema-form.tsx';
import type { Viewer } from './sign-in.tsx';
import { Problem } from './problem.tsx';

interface Integration {
  readonly kind: string;
  readonly productName: string;
  readonly receivesWebhooks: boolean;
  readonly directions: readonly string[];
  readonly configSchema: JsonSchema;
  readonly credentialsSchema: JsonSchema;
}

interface Connected {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

const INTEGRATIONS = '{ integrations { kind productName receivesWebhooks directions configSchema credentialsSchema } }';
const PROJECTS = '{ externalProjects(first: 100) { edges { node { id name kind status webhookUrl webhookSecret } } } }';
const CONNECT = 'mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id name kind status webhookUrl webhookSecret } } }';

export function CatalogView({ api, viewer, kind }: { api: Api; viewer: Viewer; kind: string }) {
  const [integrations, setIntegrations] = useState<Integration[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    api
      .run<{ integrations: Integration[] }>(INTEGRATIONS)
      .then((data) => setIntegrations(data.integrations))
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  }, [api]);

  const chosen = integrations?.find((integration) => integration.kind === kind.toUpperCase());
  if (chosen) return <Guide api={api} viewer={viewer} integration={chosen} />;
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Catalog</h1>
      <p>Every system Lockstep connects. Open one for its setup guide.</p>
      <Problem text={problem} />
      <ul class="tiles" aria-label="Integrations">
        {(integrations ?? []).map((integration) => (
          <li key={integration.kind}>
            <a class="tile" href={`#/catalog/${integration.kind.toLowerCase()}`}>
              <Mark kind={integration.kind} />
              <span>{integration.productName}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Guide({ api, viewer, integration }: { api: Api; viewer: Viewer; integration: Integration }) {
  const admin = viewer.role === 'ADMIN';
  const [connected, setConnected] = useState<Connected[]>([]);
  const [fresh, setFresh] = useState<Connected | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api
      .run<{ externalProjects: { edges: Array<{ node: Connected }> } }>(PROJECTS)
      .then((data) => setConnected(data.externalProjects.edges.map((edge) => edge.node).filter((project) => project.kind === integration.kind)))
      .catch(() => setConnected([]));
  }, [api, integration.kind, version]);

  return (
    <section aria-labelledby="guide-title">
      <p>
        <a href="#/catalog">← All integrations</a>
      </p>
      <h1 id="guide-title" class="with-mark">
        <Mark kind={integration.kind} /> {integration.productName}
      </h1>
      <h2>Setup guide</h2>
      <ol class="steps">
        {(guides[integration.kind] ?? ['Connect below.']).map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      {fresh && (
        <div class="connected" role="status">
          <h2>Connected: {fresh.name}</h2>
          <p>The connection test passed. Status: {showEnum(fresh.status)}.</p>
          {integration.receivesWebhooks && <WebhookDetails project={fresh} />}
        </div>
      )}
      {admin && connected.length > 0 && (
        <>
          <h2>Connected {integration.productName} projects</h2>
          <ul class="cards">
            {connected.map((project) => (
              <li class="card" key={project.id} aria-label={project.name}>
                <h3>{project.name}</h3>
                {integration.receivesWebhooks && <WebhookDetails project={project} />}
              </li>
            ))}
          </ul>
        </>
      )}
      {admin ? (
        <ConnectForm
          api={api}
          integration={integration}
          onConnected={(project) => {
            setFresh(project);
            setVersion((n) => n + 1);
          }}
        />
      ) : (
        <p class="hint">Only admins connect projects.</p>
      )}
    </section>
  );
}

function WebhookDetails({ project }: { project: Connected }) {
  return (
    <dl class="facts">
      <dt>Webhook URL</dt>
      <dd>
        <input aria-label={`Webhook URL of ${project.name}`} readOnly value={project.webhookUrl} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={project.webhookUrl} what="webhook URL" />
      </dd>
      <dt>Webhook secret</dt>
      <dd>
        <input aria-label={`Webhook secret of ${project.name}`} readOnly value={project.webhookSecret} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={project.webhookSecret} what="webhook secret" />
      </dd>
    </dl>
  );
}

function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="quiet"
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : `Copy ${what}`}
    </button>
  );
}

function ConnectForm({ api, integration, onConnected }: { api: Api; integration: Integration; onConnected: (project: Connected) => void }) {
  const [name, setName] = useState('');
  const [direction, setDirection] = useState(integration.directions.includes('BIDIRECTIONAL') ? 'BIDIRECTIONAL' : (integration.directions[0] ?? 'PULL'));
  const [config, setConfig] = useState<SchemaFormValue>({ value: {}, problem: null });
  const [credentials, setCredentials] = useState<SchemaFormValue>({ value: {}, problem: null });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const invalid = config.problem ?? credentials.problem;
    if (invalid) return setProblem(invalid);
    setBusy(true);
    setProblem(null);
    try {
      const input = { name: name.trim(), kind: integration.kind, direction, config: config.value, credentials: credentials.value };
      const data = await api.run<{ connectExternalProject: { project: Connected } }>(CONNECT, { input });
      onConnected(data.connectExternalProject.project);
    } catch (error) {
      setProblem(`Not connected: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="connect" onSubmit={submit} aria-labelledby="connect-title">
      <h2 id="connect-title">Connect {integration.productName}</h2>
      <div class="field">
        <label for="connect-name">Project name (required)</label>
        <input id="connect-name" required value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="connect-direction">Direction</label>
        <select id="connect-direction" value={direction} onChange={(event) => setDirection(event.currentTarget.value)}>
          {integration.directions.map((option) => (
            <option key={option} value={option}>
              {showEnum(option)}
            </option>
          ))}
        </select>
      </div>
      <SchemaFields schema={integration.configSchema} legend="Config" idPrefix="config" onChange={setConfig} />
      <SchemaFields schema={integration.credentialsSchema} legend="Credentials" idPrefix="credentials" onChange={setCredentials} />
      <button type="submit" disabled={busy || name.trim() === ''}>
        {busy ? 'Testing the connection…' : 'Connect'}
      </button>
      <Problem text={problem} />
    </form>
  );
}
