// Hub-to-hub peering in GraphQL: an admin of one hub creates an invitation; an admin of the other
// pastes it into acceptConnectionInvitation. Both hubs then hold an ACTIVE LOCKSTEP_PEER project.
// Each admin may give sync rules: they decide which tickets that hub sends the other.
import type { ExternalProject } from '#domain/project/external-project.ts';
import { builder } from './builder.ts';
import { SyncDirectionEnum } from './enums.ts';
import { LinkRuleInput, toLinkRules } from './link-rules.ts';
import { ExternalProjectRef } from './projects.ts';

const CreateConnectionInvitationInput = builder.inputType('CreateConnectionInvitationInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'How this hub will call the peer.' }),
    direction: t.field({ type: SyncDirectionEnum, required: true, description: 'Seen from this hub; the peer gets the mirror image.' }),
    linkRules: t.field({ type: [LinkRuleInput], description: 'Which tickets this hub sends the peer without linkTicket (default: none).' }),
  }),
});

const AcceptConnectionInvitationInput = builder.inputType('AcceptConnectionInvitationInput', {
  fields: (t) => ({
    invitation: t.string({ required: true }),
    name: t.string({ required: true, description: 'How this hub will call the inviting hub.' }),
    linkRules: t.field({ type: [LinkRuleInput], description: 'Which tickets this hub sends the inviting hub without linkTicket (default: none).' }),
  }),
});

builder.mutationField('createConnectionInvitation', (t) =>
  t.field({
    type: builder.objectRef<{ invitation: string; project: ExternalProject }>('CreateConnectionInvitationPayload').implement({
      fields: (f) => ({
        invitation: f.exposeString('invitation', { description: 'Hand this to the other hub’s admin; it works once, for 24 hours.' }),
        project: f.field({ type: ExternalProjectRef, resolve: (payload) => payload.project }),
      }),
    }),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateConnectionInvitationInput, required: true }) },
    resolve: (_root, { input }, { services }) =>
      services.peering.createInvitation(input.name.trim() || 'Peer hub', input.direction, toLinkRules(input.linkRules) ?? []),
  }),
);

builder.mutationField('acceptConnectionInvitation', (t) =>
  t.field({
    type: builder.objectRef<{ project: ExternalProject }>('AcceptConnectionInvitationPayload').implement({
      fields: (f) => ({ project: f.field({ type: ExternalProjectRef, resolve: (payload) => payload.project }) }),
    }),
    authScopes: { admin: true },
    args: { input: t.arg({ type: AcceptConnectionInvitationInput, required: true }) },
    resolve: async (_root, { input }, { services }) => ({
      project: await services.peering.acceptInvitation(input.invitation, input.name.trim() || 'Peer hub', toLinkRules(input.linkRules) ?? []),
    }),
  }),
);
