// `npm run bench -- jira`: Lockstep against the Jira simulator, measured by the tracker bench
// (support/tracker-bench.ts): the INITIAL import of 10,000 issues beside the JIRA connector paging
// alone, its API calls per issue and the first hub edit after it, then the latency of a person's
// edit in Jira until `ticketChanged` shows it (beside a signed webhook POST to a loopback server)
// and of `updateTicket` until Jira holds it (beside one PUT on the simulator).
import { jiraDriver } from './support/jira-driver.ts';
import { trackerBench } from './support/tracker-bench.ts';

export const run = trackerBench(jiraDriver);
