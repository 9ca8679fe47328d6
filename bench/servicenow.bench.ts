// `npm run bench -- servicenow`: Lockstep against the ServiceNow simulator, measured by the tracker
// bench (support/tracker-bench.ts): the INITIAL import of 10,000 incidents beside the SERVICENOW
// connector paging alone, its API calls per record and the first hub edit after it, then the
// latency of a person's edit in ServiceNow (the business rule's delivery, then the connector's
// read) until `ticketChanged` shows it (beside the same delivery POSTed to a loopback server) and
// of `updateTicket` until ServiceNow holds it (beside one PATCH on the simulator).
import { servicenowDriver } from './support/servicenow-driver.ts';
import { trackerBench } from './support/tracker-bench.ts';

export const run = trackerBench(servicenowDriver);
