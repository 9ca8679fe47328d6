// Every webhook source the fuzz tests feed: one line per connector.
import { genericWebhookSource } from './sources/generic-webhook.ts';
import { jiraSource } from './sources/jira.ts';
import { lockstepPeerSource } from './sources/lockstep-peer.ts';
import type { WebhookSource } from './sources/source.ts';

export type { SignedRequest, WebhookSource } from './sources/source.ts';

export const webhookSources: readonly WebhookSource[] = [jiraSource, genericWebhookSource, lockstepPeerSource];
