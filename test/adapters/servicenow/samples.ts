// Real Table API payloads, trimmed to what Lockstep reads plus a few neighbours to show it ignores
// the rest. Shapes only: values are the public examples' own.

/**
 * `GET /api/now/table/incident/a9e30c7dc61122760116894de7bcc7bd` as ServiceNow's Table API reference
 * shows it (ServiceNow/ServiceNowDocs, markdown/api-reference/rest-apis/c_TableAPI.md, "Retrieve a
 * record from the Incident table"): default parameters, so references come as `{link, value}`.
 */
export const docsIncident = {
  upon_approval: '',
  location: {
    link: 'https://instance.servicenow.com/api/now/table/cmn_location/105cf7f3c611227501e75e08b14a38ba',
    value: '105cf7f3c611227501e75e08b14a38ba',
  },
  close_notes: '',
  impact: '1',
  urgency: '3',
  correlation_id: '',
  description: '',
  priority: '3',
  sys_mod_count: '4',
  sys_updated_on: '2015-11-01 22:37:27',
  number: 'INC0000046',
  incident_state: '1',
  correlation_display: '',
  assignment_group: {
    link: 'https://instance.servicenow.com/api/now/table/sys_user_group/8a4dde73c6112278017a6a4baf547aa7',
    value: '8a4dde73c6112278017a6a4baf547aa7',
  },
  state: '1',
  short_description: "Can't access SFA software",
  sys_updated_by: 'glide.maint',
  work_notes: '',
  close_code: '',
  sys_id: 'a9e30c7dc61122760116894de7bcc7bd',
  sys_created_by: 'admin',
  assigned_to: '',
  sys_class_name: 'incident',
  comments: '',
};

/**
 * sys_journal_field rows of one incident as rapid7's ServiceNow plugin documents them
 * (rapid7/insightconnect-plugins, plugins/servicenow/help.md, "Get Incident Comments and Worknotes").
 */
export const docsJournal = [
  {
    element: 'work_notes',
    element_id: '965f140bdb4c8c105f6f00b5ca961922',
    name: 'incident',
    sys_created_by: 'admin',
    sys_created_on: '2019-09-26 21:19:11',
    sys_id: '2c6420c31b0000506a4a85507e4bcb82',
    sys_tags: '',
    value: 'Team is actively looking into it.',
  },
  {
    element: 'comments',
    element_id: '965f140bdb4c8c105f6f00b5ca961922',
    name: 'incident',
    sys_created_by: 'admin',
    sys_created_on: '2019-09-26 21:03:07',
    sys_id: '4db0e8cb1bcccc106a4a85507e4bcba2',
    sys_tags: '',
    value: 'This is Sev1 incident.',
  },
];
