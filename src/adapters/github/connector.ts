// The GITHUB connector: GitHub Issues of one repository, both ways, through @octokit/rest (on
// github.com, GitHub Enterprise Server, or the simulator on loopback), authenticated by a token or
// as a GitHub App installation. Deliveries arrive by repository or App webhook (`issues`,
// `issue_comment`), changes can also be polled and imported with `since`, and outbound changes
// patch the issue. See settings.ts for config and credentials and mapping.ts for the field rules.

import type { Connector } from '#domain/project/connector.ts';
import { trackerCapabilities } from '#adapters/shared/tracker-capabilities.ts';
import { createClientPool } from './client.ts';
import { parseGithubDelivery, verifyGithubDelivery } from './inbound.ts';
import { createStateKeys, type StateKeys } from './items.ts';
import { openGithubSession, type GithubSessionOptions } from './session.ts';
import { parseGithubConfig, parseGithubCredentials, githubSettingsSchemas } from './settings.ts';

/** Connector tuning (tests shorten the request timeout and the page size). */
export type GithubConnectorOptions = Omit<GithubSessionOptions, 'labels' | 'etags' | 'keys'>;

/** The GitHub connector. */
export function createGithubConnector(options: GithubConnectorOptions = {}): Connector {
  const clients = createClientPool();
  const labels = new Set<string>();
  // Per project (two projects of one repository must each see every change): poll ETags, and the
  // keys of the issue states seen, shared by the project's sessions in this process.
  const memory = new Map<string, { readonly etags: Map<string, string>; readonly keys: StateKeys }>();
  const memoryOf = (projectId: string) => {
    let kept = memory.get(projectId);
    if (!kept) memory.set(projectId, (kept = { etags: new Map(), keys: createStateKeys() }));
    return kept;
  };
  return {
    kind: 'github',
    capabilities: trackerCapabilities,
    parseConfig: (config) => parseGithubConfig(config),
    parseCredentials: (credentials) => parseGithubCredentials(credentials),
    settingsSchemas: githubSettingsSchemas,
    verifyDelivery: (delivery, secrets) => verifyGithubDelivery(delivery, secrets),
    parseDelivery: (delivery, config) => parseGithubDelivery(delivery, config),
    open(settings) {
      // Stored settings are parsed again: a value edited behind our back fails here, naming the field.
      const config = parseGithubConfig(settings.config);
      const credentials = parseGithubCredentials(settings.credentials);
      return openGithubSession(config, credentials, clients(config, credentials), {
        ...options,
        labels,
        ...memoryOf(settings.projectId),
      });
    },
  };
}
