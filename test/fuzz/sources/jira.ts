// Jira Cloud webhook bodies. `statusChanged` and `created` are real deliveries captured by the
// jira-to-matrix project (github.com/mobitel-ltd/jira-to-matrix, test/fixtures/webhooks/issue/
// updated/status-changed.json and created.json), trimmed of avatars and unrelated custom fields;
// their logger's fields are dropped and `timestamp` is epoch milliseconds, as Jira Cloud sends it.
// `documented` follows the `jira:issue_updated` example of Atlassian's webhook documentation.
import { signatureHeader } from '#adapters/shared/signatures.ts';
import type { WebhookSource } from './source.ts';

const statusChanged = {
  timestamp: 1548852694870,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_generic',
  user: {
    self: 'https://jira.test-example.ru/rest/api/2/user?accountId=5bcede20b3e37a158c364fef',
    accountId: '5bcede20b3e37a158c364fef',
    displayName: 'jira_test',
    active: true,
    timeZone: 'Europe/Moscow',
  },
  issue: {
    id: '11442',
    self: 'https://jira.test-example.ru/rest/api/2/issue/11442',
    key: 'INDEV-6',
    fields: {
      issuetype: { id: '10177', name: 'Tarea', subtask: false },
      project: { id: '10105', key: 'INDEV', name: 'Internal Development', projectTypeKey: 'software' },
      created: '2018-12-05T14:32:11.571+0300',
      priority: { self: 'https://jira.test-example.ru/rest/api/2/priority/1', name: 'Highest', id: '1' },
      labels: [],
      customfield_10016: '2019-01-29T17:20:26.660+0300',
      assignee: {
        accountId: '5b912f1c1aa25f2be7d36947',
        displayName: 'Иванов Иван Иванович',
        active: true,
        timeZone: 'Europe/Moscow',
      },
      updated: '2019-01-30T15:51:33.199+0300',
      status: {
        self: 'https://jira.test-example.ru/rest/api/2/status/10258',
        description: '',
        name: 'In Progress',
        id: '10258',
        statusCategory: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
      },
      description: 'Prueba de creación de tareas en un proyecto público',
      summary: 'Prueba de creación de tareas en un proyecto público',
    },
  },
  changelog: {
    id: '34911',
    items: [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: '10257',
        fromString: 'To Do',
        to: '10258',
        toString: 'In Progress',
      },
    ],
  },
};

const created = {
  timestamp: 1515665284225,
  webhookEvent: 'jira:issue_created',
  issue_event_type_name: 'issue_created',
  user: { displayName: 'jira_test', active: true, timeZone: 'Europe/Moscow' },
  issue: {
    id: '30369',
    self: 'https://jira.test-example.ru/jira/rest/api/2/issue/30369',
    key: 'BBCOM-1398',
    fields: {
      issuetype: { id: '3', name: 'Task', subtask: false },
      created: '2018-01-11T13:08:03.317+0300',
      priority: { name: 'Medium', id: '3' },
      assignee: { accountId: '5b912f5c8a96e82b9549361c', displayName: 'Иванов Иван Иванович', active: true },
      updated: '2018-01-11T13:08:03.317+0300',
      status: { name: 'Open', id: '1', statusCategory: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' } },
      description: 'Info',
      customfield_10006: 'BBCOM-801',
      summary: 'Prueba de creación de tareas en un proyecto público',
      labels: [],
    },
  },
  changelog: {
    id: '132597',
    items: [
      { field: 'Epic Link', fieldtype: 'custom', from: null, fromString: null, to: '25209', toString: 'BBCOM-801' },
    ],
  },
};

const documented = {
  timestamp: 1714557600123,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_generic',
  user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ann Example', active: true },
  issue: {
    id: '10002',
    self: 'https://acme.atlassian.net/rest/api/3/issue/10002',
    key: 'OPS-2',
    fields: {
      summary: 'Checkout fails on Safari',
      description: {
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'Steps ' },
              { type: 'text', text: 'here', marks: [{ type: 'strong' }] },
            ],
          },
        ],
      },
      status: { name: 'In Progress', id: '3', statusCategory: { id: 4, key: 'indeterminate', name: 'In Progress' } },
      priority: { name: 'High', id: '2' },
      labels: ['web', 'checkout'],
      assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ann Example' },
      updated: '2024-05-01T10:00:00.100+0000',
      created: '2024-04-30T09:00:00.000+0000',
    },
  },
  changelog: {
    id: '10011',
    items: [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: '10000',
        fromString: 'To Do',
        to: '3',
        toString: 'In Progress',
      },
    ],
  },
};

const deleted = { ...documented, webhookEvent: 'jira:issue_deleted', issue_event_type_name: 'issue_deleted' };

export const jiraSource: WebhookSource = {
  kind: 'jira',
  samples: [statusChanged, created, documented, deleted].map((body) => JSON.stringify(body)),
  sign: (body, secret) => ({
    headers: {
      'x-hub-signature': signatureHeader(secret, body),
      'x-atlassian-webhook-identifier': crypto.randomUUID(),
    },
    query: {},
  }),
  config: { baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS' },
};
