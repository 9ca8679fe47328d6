// `npm run bench -- github`: Lockstep against the GitHub simulator, measured by the tracker bench
// (support/tracker-bench.ts): the INITIAL import of 10,000 issues beside the GITHUB connector
// paging alone, its API calls per issue and the first hub edit after it, then the latency of a
// person's edit on GitHub until `ticketChanged` shows it (beside a signed webhook POST to a
// loopback server) and of `updateTicket` until GitHub holds it (beside one PATCH on the simulator).
import { githubDriver } from './support/github-driver.ts';
import { trackerBench } from './support/tracker-bench.ts';

export const run = trackerBench(githubDriver);
