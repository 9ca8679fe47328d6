// The ServiceNow bench's tracker: the ServiceNow simulator's incident table through the SERVICENOW
// connector (Basic); ServiceNow has no signed webhooks, so a person's edit fires the README's
// business rule, which POSTs the record's sys_id and sys_mod_count proven by `?secret=` and the
// connector then reads the record; the direct write is one `PATCH /api/now/table/incident/{sys_id}`.
import { createServiceNowConnector } from '#adapters/servicenow/connector.ts';
import { verifyServiceNowDelivery } from '#adapters/servicenow/inbound.ts';
import { createServiceNowSimulator } from '#simulators/servicenow/simulator.ts';
import type { TrackerDriver, TrackerSimulator } from './tracker-driver.ts';

const credentials = { username: 'lockstep.integration', password: 'integration-password' };

/** ServiceNow, as the tracker bench drives it. */
export const servicenowDriver: TrackerDriver = {
  name: 'ServiceNow',
  tag: 'servicenow',
  noun: 'record',
  seededTitle: (index) => `Imported incident #${String(index + 1).padStart(5, '0')}.`,
  connector: () => createServiceNowConnector(),
  deliveryBaseline: 'business-rule POST (?secret=) to a loopback server',
  deliveryProof: (secret) => ({ headers: { 'content-type': 'application/json' }, query: { secret } }),
  deliveryValid: (delivery, secret) => verifyServiceNowDelivery(delivery, [secret]),
  directBaseline: 'one PATCH record on the simulator',

  async start(): Promise<TrackerSimulator> {
    const sn = createServiceNowSimulator();
    const instanceUrl = await sn.start();
    const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return {
      connectInput: { name: 'ServiceNow incidents', kind: 'SERVICENOW', config: { instanceUrl }, credentials },
      seed: async (count, title) => sn.seed(count, (index) => ({ short_description: title(index) })).map((record) => record['sys_id'] ?? ''),
      configureDeliveries: (url, secret) => sn.rules.configure({ url, secret, auth: 'query' }),
      settled: () => sn.rules.settled(),
      personRetitle(sysId, title) {
        const before = sn.rules.deliveries.length;
        sn.personEdit(sysId, { short_description: title });
        const delivery = sn.rules.deliveries[before];
        const about = delivery && (JSON.parse(delivery.body) as { sys_id?: string }).sys_id;
        if (!delivery || about !== sysId || sn.rules.deliveries.length !== before + 1) return `personEdit(${sysId}) did not fire exactly its own business rule`;
        return delivery;
      },
      titleOf(sysId) {
        const record = sn.record(sysId);
        const changedMs = sn.store.changedMs.get(sysId);
        return record && changedMs !== undefined ? { title: record['short_description'] ?? '', changedMs } : undefined;
      },
      get calls() {
        return sn.calls;
      },
      resetCalls: () => sn.resetCalls(),
      directRetitle: (sysId, title) => ({
        url: `${instanceUrl}/api/now/table/incident/${sysId}`,
        method: 'PATCH',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ short_description: title }),
        okStatus: 200,
      }),
      stop: () => sn.stop(),
    };
  },
};
