// A project's changes per minute over the last hour, in (deliveries accepted) and out (pushes
// delivered), as a small SVG bar chart; the totals are its accessible name.

export interface ActivityBucket {
  readonly minute: string;
  readonly inbound: number;
  readonly outbound: number;
}

const WIDTH = 360;
const HEIGHT = 64;

export function ActivityChart({ buckets }: { buckets: readonly ActivityBucket[] }) {
  const totalIn = buckets.reduce((sum, bucket) => sum + bucket.inbound, 0);
  const totalOut = buckets.reduce((sum, bucket) => sum + bucket.outbound, 0);
  const peak = Math.max(1, ...buckets.map((bucket) => Math.max(bucket.inbound, bucket.outbound)));
  const step = WIDTH / Math.max(1, buckets.length);
  const bar = Math.max(1, step / 2 - 0.5);
  const height = (n: number) => (n / peak) * (HEIGHT - 4);
  const summary = `Changes per minute in the last ${buckets.length} minutes: ${totalIn} in, ${totalOut} out (peak ${peak} a minute)`;
  return (
    <figure class="activity">
      <svg role="img" aria-label={summary} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none">
        <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="#d4d9df" />
        {buckets.map((bucket, index) => (
          <g key={bucket.minute}>
            <rect class="in" x={index * step} y={HEIGHT - height(bucket.inbound)} width={bar} height={height(bucket.inbound)} />
            <rect class="out" x={index * step + bar} y={HEIGHT - height(bucket.outbound)} width={bar} height={height(bucket.outbound)} />
          </g>
        ))}
      </svg>
      <figcaption>
        <span class="key in">■</span> {totalIn} in · <span class="key out">■</span> {totalOut} out, last hour
      </figcaption>
    </figure>
  );
}
