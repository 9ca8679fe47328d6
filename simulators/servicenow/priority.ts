// ServiceNow's default priority lookup for incidents: impact and urgency (1 High, 2 Medium, 3 Low)
// give the priority the record reports (1 Critical .. 5 Planning), as the docs' "Data lookup for
// prioritizing" table lists it (ServiceNow/ServiceNowDocs, it-service-management, prioritise-problems.md).

const matrix: Readonly<Record<string, string>> = {
  '1/1': '1', '1/2': '2', '1/3': '3',
  '2/1': '2', '2/2': '3', '2/3': '4',
  '3/1': '3', '3/2': '4', '3/3': '5',
};

/** The priority ServiceNow computes for `impact` and `urgency` (5 when either is not 1..3). */
export function priorityOf(impact: string, urgency: string): string {
  return matrix[`${impact}/${urgency}`] ?? '5';
}
