// `npm run bench -- linear`: Lockstep against the Linear simulator, measured by the tracker bench
// (support/tracker-bench.ts): the INITIAL import of 10,000 issues beside the LINEAR connector
// paging alone, its API calls per issue and the first hub edit after it, then the latency of a
// person's edit in Linear until `ticketChanged` shows it (beside a signed webhook POST to a
// loopback server) and of `updateTicket` until Linear holds it (beside one issueUpdate on the
// simulator).
import { linearDriver } from './support/linear-driver.ts';
import { trackerBench } from './support/tracker-bench.ts';

export const run = trackerBench(linearDriver);
