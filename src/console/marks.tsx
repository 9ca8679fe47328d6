// Each integration's mark in the catalog: a coloured tile with a short monogram, drawn here as SVG
// (no remote images, no vendor artwork), so the page stays self-contained.

const marks: Readonly<Record<string, { readonly text: string; readonly colour: string }>> = {
  JIRA: { text: 'Ji', colour: '#0052cc' },
  GITHUB: { text: 'GH', colour: '#24292f' },
  LINEAR: { text: 'Li', colour: '#5e6ad2' },
  SERVICENOW: { text: 'SN', colour: '#1d4a3a' },
  GENERIC_WEBHOOK: { text: '{ }', colour: '#5b6470' },
  LOCKSTEP_PEER: { text: 'LS', colour: '#7a3e9d' },
  ALERTMANAGER: { text: 'AM', colour: '#b8380f' },
  GRAFANA: { text: 'Gr', colour: '#c24d0c' },
  AWS_CLOUDWATCH: { text: 'CW', colour: '#8a4b00' },
  AZURE_MONITOR: { text: 'Az', colour: '#0062ad' },
  GCP_MONITORING: { text: 'GC', colour: '#1a64d6' },
  DATADOG: { text: 'DD', colour: '#632ca6' },
  PAGERDUTY: { text: 'PD', colour: '#04702c' },
  SLACK: { text: 'Sl', colour: '#4a154b' },
};

export function Mark({ kind }: { kind: string }) {
  const mark = marks[kind] ?? { text: kind.slice(0, 2), colour: '#5b6470' };
  return (
    <svg class="mark" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
      <rect width="48" height="48" rx="10" fill={mark.colour} />
      <text x="24" y="30" text-anchor="middle" font-size="17" font-weight="700" fill="#fff" font-family="system-ui, sans-serif">
        {mark.text}
      </text>
    </svg>
  );
}
