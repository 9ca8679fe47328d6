// The GITHUB connector: GitHub Issues of one repository, both ways, through @octokit/rest (on
// github.com, GitHub Enterprise Server, or the simulator on loopback), authenticated by a token or
// as a GitHub App installation. Deliveries arrive by repository or App webhook (`issues`,
// `issue_comment`), changes can also be polled and imported with `since`, and outbound changes
// patch the issue. See settings.ts for config and credentials and mapping.ts for the field rules.

import type { Connector } from '#domain/project/connector.ts';
import { createClientPool } from './client.ts';
import { parseGithubDelivery, verifyGithubDelivery } from './inbound.ts';
import { openGithubSession, type GithubSessionOptions } from './session.ts';
import { parseGithubConfig, parseGithubCredentials } from './settings.ts';

/** Connector tuning (tests shorten the request timeout and the page size). */
export type GithubConnectorOptions = Omit<GithubSessionOptions, 'labels' | 'etags'>;

/** The GitHub connector. */
export function createGithubConnector(options: GithubConnectorOptions = {}): Connector {
  const clients = createClientPool();
  const labels = new Set<string>();
  // Poll ETags per project: two projects of one repository must each see every change.
  const etagsByProject = new Map<string, Map<string, string>>();
  const etagsOf = (projectId: string): Map<string, string> => {
    let etags = etagsByProject.get(projectId);
    if (!etags) etagsByProject.set(projectId, (etags = new Map()));
    return etags;
  };
  return {
    kind: 'github',
    capabilities: {
      receivesWebhooks: true,
      canFetch: true,
      canCreate: true,
      canUpdate: true,
      syncModes: ['webhook', 'polling', 'hybrid'],
      mirrorsComments: true,
    },
    parseConfig: (config) => parseGithubConfig(config),
    parseCredentials: (credentials) => parseGithubCredentials(credentials),
    verifyDelivery: (delivery, secrets) => verifyGithubDelivery(delivery, secrets),
    parseDelivery: (delivery, config) => parseGithubDelivery(delivery, config),
    open(settings) {
      // Stored settings are parsed again: a value edited behind our back fails here, naming the field.
      const config = parseGithubConfig(settings.config);
      const credentials = parseGithubCredentials(settings.credentials);
      return openGithubSession(config, credentials, clients(config, credentials), {
        ...options,
        labels,
        etags: etagsOf(settings.projectId),
      });
    },
  };
}
