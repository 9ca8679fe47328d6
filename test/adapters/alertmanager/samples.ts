// Real Alertmanager webhook bodies, byte for byte as published (only the JSON is kept), used by the
// adapter and end-to-end tests. Where each came from is said above it.

/**
 * Version 4 with `fingerprint` and `truncatedAlerts`: the sample payload shipped with the Rust crate
 * alertmanager-webhook-types 0.1.0 (docs.rs/crate/alertmanager-webhook-types, assets/sample-v4-payload.json).
 */
export const probeFailureFiring = `{
  "receiver": "sms",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {
        "alertname": "ProbeFailure",
        "instance": "https://server.example.org",
        "job": "http_checks",
        "monitor": "master",
        "severity": "critical"
      },
      "annotations": {
        "description": "Instance https://server.example.org has been down for over 5m. Job: http_checks",
        "summary": "BlackBox Probe Failure: https://server.example.org"
      },
      "startsAt": "2023-02-06T13:08:45.828Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0\\\\u0026g0.tab=1",
      "fingerprint": "1a30ba71cca2921f"
    }
  ],
  "groupLabels": {
    "alertname": "ProbeFailure"
  },
  "commonLabels": {
    "alertname": "ProbeFailure",
    "instance": "https://server.example.org",
    "job": "http_checks",
    "monitor": "master",
    "severity": "critical"
  },
  "commonAnnotations": {
    "description": "Instance https://server.example.org has been down for over 5m. Job: http_checks",
    "summary": "BlackBox Probe Failure: https://server.example.org"
  },
  "externalURL": "http://prometheus.example.org:9093",
  "version": "4",
  "groupKey": "{}/{severity=\\"critical\\"}:{alertname=\\"ProbeFailure\\"}",
  "truncatedAlerts": 0
}`;

/**
 * An older Alertmanager (2018, no `fingerprint`; a firing alert's endsAt is a future resolve
 * timeout): github.com/metalmatze/alertmanager-bot, examples/webhooks/firing.sh and resolved.sh.
 */
export const fireFiring =
  '{"receiver":"telegram","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Fire","severity":"critical"},"annotations":{"message":"Something is on fire"},"startsAt":"2018-11-04T22:43:58.283995108+01:00","endsAt":"2018-11-04T22:46:58.283995108+01:00","generatorURL":"http://localhost:9090/graph?g0.expr=vector%28666%29\\u0026g0.tab=1"}],"groupLabels":{"alertname":"Fire"},"commonLabels":{"alertname":"Fire","severity":"critical"},"commonAnnotations":{"message":"Something is on fire"},"externalURL":"http://localhost:9093","version":"4","groupKey":"{}:{alertname=\\"Fire\\"}"}';

export const fireResolved =
  '{"receiver":"telegram","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"Fire","severity":"critical"},"annotations":{"message":"Something is on fire"},"startsAt":"2018-11-04T22:43:58.283995108+01:00","endsAt":"2018-11-04T22:48:13.283995108+01:00","generatorURL":"http://localhost:9090/graph?g0.expr=vector%28666%29\\u0026g0.tab=1"}],"groupLabels":{"alertname":"Fire"},"commonLabels":{"alertname":"Fire","severity":"critical"},"commonAnnotations":{"message":"Something is on fire"},"externalURL":"http://localhost:9093","version":"4","groupKey":"{}:{alertname=\\"Fire\\"}"}';

/**
 * One notification mixing a resolved and a firing alert while the group is still firing: a
 * delivery an Alertmanager 0.23 sent to a Go receiver, kept in that receiver's source as a
 * comment (found through code search of public repositories; the repository is not named there).
 */
export const nodeDownMixed =
  '{"receiver":"webhook","status":"firing","alerts":[{"status":"resolved","labels":{"alertname":"nodeDown","group":"client-node","instance":"192.168.80.94:9100","job":"node-exporter","status":"High"},"annotations":{"description":"192.168.80.94:9100 of job node-exporter has been down for more than 30s.","summary":"【机器节点下线】Instance 192.168.80.94:9100 down"},"startsAt":"2022-01-26T03:31:17.802305827Z","endsAt":"2022-01-26T03:36:17.802305827Z","generatorURL":"http://7202bd3f529b:9090/graph?g0.expr=up+%3D%3D+0\\u0026g0.tab=1","fingerprint":"20ff339993fb7178"},{"status":"firing","labels":{"alertname":"nodeDown","group":"client-node","instance":"192.168.80.94:9101","job":"node-exporter","status":"High"},"annotations":{"description":"192.168.80.94:9101 of job node-exporter has been down for more than 30s.","summary":"【机器节点下线】Instance 192.168.80.94:9101 down"},"startsAt":"2022-01-26T03:31:32.802305827Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://7202bd3f529b:9090/graph?g0.expr=up+%3D%3D+0\\u0026g0.tab=1","fingerprint":"120cb5c2008192c9"}],"groupLabels":{},"commonLabels":{"alertname":"nodeDown","group":"client-node","job":"node-exporter","status":"High"},"commonAnnotations":{},"externalURL":"http://80e1c130cfb2:9093","version":"4","groupKey":"{}:{}","truncatedAlerts":0}';
