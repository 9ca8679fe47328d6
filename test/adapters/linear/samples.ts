// Linear webhook bodies as Linear sent them, for the connector's tests. Where each came from:
// - issueCreated: the "Issue create" delivery shown in Port's Linear webhook guide (the
//   port-docs repository's "Let's Test It" payload, sent by Linear on 2024-05-19).
// - issueUpdated: an "Issue update" delivery captured by morgs32/linear-hill-charts
//   (lhc/src/app/api/public/inngest/fixtures/linearIssueCreated.ts).
// - commentCreated / commentUpdated: Comment deliveries captured by the same project
//   (fixtures/linearCommentCreated.ts and linearCommentUpdated.ts).
// Field names match Linear's schema (IssueWebhookPayload, CommentWebhookPayload). Tests restamp
// `webhookTimestamp` to now, since a delivery older than a minute is refused.

export const issueCreated = {
  action: 'create',
  actor: { id: '11c5ce7d-229b-4487-b23b-f404e4a8c85d', name: 'Mor Paz', type: 'user' },
  createdAt: '2024-05-19T17:55:29.277Z',
  data: {
    id: 'd62a755d-5389-4dbd-98bb-3db03f239d9d',
    createdAt: '2024-05-19T17:55:29.277Z',
    updatedAt: '2024-05-19T17:55:29.277Z',
    number: 5,
    title: 'New issue again',
    priority: 0,
    boardOrder: 0,
    sortOrder: -3975,
    labelIds: [],
    teamId: '92d25fa4-fb1c-449f-b314-47f82e8f280d',
    previousIdentifiers: [],
    creatorId: '11c5ce7d-229b-4487-b23b-f404e4a8c85d',
    stateId: 'f12cad17-9b8f-470d-b20a-5e17da8e46b9',
    priorityLabel: 'No priority',
    botActor: null,
    identifier: 'POR-5',
    url: 'https://linear.app/getport/issue/POR-5/new-issue-again',
    state: { id: 'f12cad17-9b8f-470d-b20a-5e17da8e46b9', color: '#e2e2e2', name: 'Todo', type: 'unstarted' },
    team: { id: '92d25fa4-fb1c-449f-b314-47f82e8f280d', key: 'POR', name: 'Port' },
    subscriberIds: ['11c5ce7d-229b-4487-b23b-f404e4a8c85d'],
    labels: [],
  },
  url: 'https://linear.app/getport/issue/POR-5/new-issue-again',
  type: 'Issue',
  organizationId: '36968e1b-496c-4610-8c25-641364da172e',
  webhookTimestamp: 1716141329394,
  webhookId: 'ee1fa20e-6b57-4448-86f7-39d9672ddedd',
};

export const issueUpdated = {
  action: 'update',
  type: 'Issue',
  createdAt: '2023-07-11T13:36:45.293Z',
  data: {
    id: '7f2cba4d-6244-415c-ac09-63eb071755a8',
    createdAt: '2023-07-11T13:01:40.980Z',
    updatedAt: '2023-07-11T13:36:45.293Z',
    archivedAt: null,
    number: 34,
    title: 'Foobar',
    priority: 0,
    estimate: null,
    boardOrder: 0,
    sortOrder: 20,
    startedAt: null,
    completedAt: null,
    canceledAt: null,
    dueDate: null,
    trashed: null,
    teamId: 'df657590-816b-4754-9518-68e6cc61f275',
    cycleId: null,
    projectId: '30c1f0c4-086a-4f38-bd9c-48c63e2be880',
    previousIdentifiers: [],
    creatorId: '14982762-f00e-4595-8dc5-5a93d8ba4ba2',
    assigneeId: null,
    stateId: '3b2acb0f-0c93-4f09-a534-c3e83e8d9fc7',
    priorityLabel: 'No priority',
    subscriberIds: ['14982762-f00e-4595-8dc5-5a93d8ba4ba2'],
    parentId: null,
    labelIds: [],
    project: { id: '30c1f0c4-086a-4f38-bd9c-48c63e2be880', name: 'Testing' },
    state: { id: '3b2acb0f-0c93-4f09-a534-c3e83e8d9fc7', color: '#bec2c8', name: 'Backlog', type: 'backlog' },
    team: { id: 'df657590-816b-4754-9518-68e6cc61f275', key: 'LIN', name: 'Linear hill charts' },
    labels: [],
    description: '',
    descriptionData: '{"type":"doc","content":[{"type":"paragraph"}]}',
  },
  updatedFrom: { description: null, descriptionData: null, updatedAt: '2023-07-11T13:36:45.293Z' },
  url: 'https://linear.app/linear-hill-charts/issue/LIN-34/foobar',
  organizationId: 'c8986123-11f1-4eef-8227-55102f7eac46',
  webhookTimestamp: 1689082605387,
};

export const commentCreated = {
  action: 'create',
  type: 'Comment',
  createdAt: '2023-06-19T23:49:08.407Z',
  data: {
    id: '66b59ec2-931e-49b6-9a10-4efeee1603ec',
    createdAt: '2023-06-19T23:49:08.407Z',
    updatedAt: '2023-06-19T23:49:08.407Z',
    body: 'This is a comment created',
    issueId: '6a17c5cc-5188-4487-ab56-44626a9b2daf',
    userId: '14982762-f00e-4595-8dc5-5a93d8ba4ba2',
    reactionData: [],
    issue: { id: '6a17c5cc-5188-4487-ab56-44626a9b2daf', title: 'Save comments!' },
    user: { id: '14982762-f00e-4595-8dc5-5a93d8ba4ba2', name: 'Morgan' },
  },
  url: 'https://linear.app/linear-hill-charts/issue/LIN-28#comment-66b59ec2',
  organizationId: 'c8986123-11f1-4eef-8227-55102f7eac46',
  webhookTimestamp: 1687218548502,
};

export const commentUpdated = {
  action: 'update',
  type: 'Comment',
  createdAt: '2023-06-19T20:51:47.186Z',
  data: {
    id: '5a2efa75-9bed-43c0-9650-b1c692c543ae',
    createdAt: '2023-06-19T20:14:45.676Z',
    updatedAt: '2023-06-19T20:51:47.186Z',
    body: 'Still trying. and trying. and trying. again. again. again. again. again. again. again. again. again',
    issueId: '6a17c5cc-5188-4487-ab56-44626a9b2daf',
    userId: '14982762-f00e-4595-8dc5-5a93d8ba4ba2',
    editedAt: '2023-06-19T20:51:47.186Z',
    reactionData: [],
    issue: { id: '6a17c5cc-5188-4487-ab56-44626a9b2daf', title: 'Save comments!' },
    user: { id: '14982762-f00e-4595-8dc5-5a93d8ba4ba2', name: 'Morgan' },
  },
  updatedFrom: {
    updatedAt: '2023-06-19T20:49:51.086Z',
    body: 'Still trying. and trying. and trying. again. again. again. again. again. again. again. again',
    editedAt: '2023-06-19T20:49:51.085Z',
  },
  url: 'https://linear.app/linear-hill-charts/issue/LIN-28#comment-5a2efa75',
  organizationId: 'c8986123-11f1-4eef-8227-55102f7eac46',
  webhookTimestamp: 1687207907279,
};
