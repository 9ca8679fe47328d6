// A generic-webhook project as a test needs one, without going through the API: for domain rules
// and for infrastructure that stores and reads projects directly.
import { ExternalProject, type ConnectProjectInput } from '#domain/project/external-project.ts';

export function sampleProject(overrides: Partial<ConnectProjectInput> & { readonly id: string }): ExternalProject {
  return ExternalProject.connect({
    name: 'Ops',
    kind: 'generic_webhook',
    direction: 'bidirectional',
    config: {},
    sealedCredentials: 'sealed',
    defaultStrategy: 'manual',
    fieldStrategies: {},
    syncMode: 'webhook',
    pollIntervalSeconds: 60,
    webhookSecret: 'first',
    receivesWebhooks: true,
    nowMs: Date.now(),
    ...overrides,
  });
}
