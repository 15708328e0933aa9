/** What a SigNoz stack asks of the rest of the stack file: cross-field rules, run with the model's (rules.ts). */
import type { Rule } from '../../model/rules.js';
import { atLeast, version } from '../../model/versions.js';

/** Where a signal has nowhere to go: SigNoz's collector keeps every signal, and its span metrics, itself. */
const signalsHaveADestination: Rule = ({ stack, error }) => {
  const { signals, spanMetrics } = stack.collector;
  // SigNoz v0.138 builds its collector's configuration only from one with a logs pipeline
  // (logparsingpipeline/collector_config.go: "logs pipeline doesn't exist"); without it the collector
  // keeps its receivers off for good, while its health endpoint answers.
  if (!signals.includes('logs')) {
    error(
      ['collector', 'signals'],
      'needs logs with SigNoz: SigNoz hands its collector a configuration only when it has a logs pipeline, and until then the collector accepts nothing',
    );
  }
  // SigNoz keeps every signal, and its span metrics, in ClickHouse.
  if (spanMetrics && !signals.includes('metrics')) {
    error(
      ['collector', 'signals'],
      "needs metrics with spanMetrics: SigNoz's span metrics are written as metrics",
    );
  }
};

/** The nodes of a swarm have none of the repository's folders. */
const archivesReachTheNodes: Rule = ({ stack, error }) => {
  if (stack.target === 'swarm' && stack.signoz.histogramQuantileDir) {
    error(
      ['signoz', 'histogramQuantileDir'],
      "is a folder of the repository, which the swarm's nodes do not have (target: swarm): point signoz.histogramQuantileUrl at a mirror the nodes reach instead",
    );
  }
};

/** Grafana beside SigNoz's own UI: Prometheus' data only, never span metrics (SigNoz keeps them). */
const grafanaHasData: Rule = ({ stack, error }) => {
  if (!stack.grafana.enabled) return;
  if (!stack.prometheus.enabled) {
    error(
      ['grafana', 'enabled'],
      "needs prometheus.enabled in a SigNoz stack: Grafana shows Prometheus' data; SigNoz has its own UI",
    );
    return;
  }
  stack.grafana.dashboards.forEach((dashboard, i) => {
    if (dashboard === 'red')
      error(
        ['grafana', 'dashboards', i],
        '"red" reads span metrics from Prometheus; SigNoz keeps them in ClickHouse and shows them in its own UI',
      );
  });
};

/**
 * Versions SigNoz's parts must keep in step (from its upgrade troubles): its collector from v0.144.6 on
 * needs ClickHouse 25.12 or later (signoz#11853); ClickHouse 26 breaks the schema migrations (signoz#12257).
 */
const versionsMatch: Rule = ({ parsed, error, warn }) => {
  const collector = version(parsed.images.versions.signozCollector);
  const clickhouse = version(parsed.images.versions.clickhouse);
  if (!collector || !clickhouse) return;
  if (atLeast(collector, [0, 144, 6]) && !atLeast(clickhouse, [25, 12, 0])) {
    error(
      ['images', 'versions', 'clickhouse'],
      `SigNoz's collector ${parsed.images.versions.signozCollector} needs ClickHouse 25.12 or later; pin clickhouse to 25.12.5, or the collector below v0.144.6`,
    );
  }
  if (clickhouse[0]! >= 26) {
    warn(
      ['images', 'versions', 'clickhouse'],
      "ClickHouse 26 breaks SigNoz's schema migrations so far (signoz#12257); 25.12.5 is known to work",
    );
  }
};

export const RULES: readonly Rule[] = [
  signalsHaveADestination,
  archivesReachTheNodes,
  grafanaHasData,
  versionsMatch,
];
