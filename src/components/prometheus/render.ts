/**
 * Prometheus: flags, scrape jobs, what it must accept (remote write from a backend: Tempo's generator), and its entry
 * among the components (PROMETHEUS).
 */
import path from 'node:path';
import { backendOf } from '../../backends/index.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import { alertRules } from './alert-rules.js';
import { publisher, readOnlyMount, wgetCheck, type Features } from '../../render/common.js';
import { runs, yaml, type Component } from '../../render/component.js';

/** Where Prometheus finds the stack's CA inside its container. */
const CA_FILE = '/etc/prometheus/tls/ca.crt';

/** Where the rule files are inside the container; prometheus.yml loads every *.yml there. */
export const RULES_DIR = '/etc/prometheus/rules';
const USER_RULES_DIR = '/etc/prometheus/rules.d';

/** The name containers reach this machine by. */
export const HOST_FROM_CONTAINERS = 'host.docker.internal';

export function prometheusView(stack: Stack, has: Features) {
  const tls = stack.tls.paths;
  const secureJobs = stack.scrapeJobs.filter((job) => job.tls).map((job) => job.title ?? job.name);
  return {
    service: SERVICE_NAMES.prometheus,
    image: stack.images[SERVICE_NAMES.prometheus] ?? '',
    ports: publisher(stack)(INTERNAL_PORTS.prometheus, stack.exposure.ports.prometheus.ui),
    memLimit: `${stack.prometheus.memoryLimitMiB}m`,
    retention: stack.prometheus.retention,
    rulesGlob: `${RULES_DIR}/*.yml`,
    rulesMount: readOnlyMount('prometheus/rules', RULES_DIR),
    // The user's own rule files, a numbered folder per entry of prometheus.ruleFiles.
    userRules: stack.prometheus.enabled
      ? stack.extensions.ruleFiles.map((source, i) => {
          const dir = `${USER_RULES_DIR}/${i + 1}`;
          const file = `${dir}/${path.posix.basename(source.path)}`;
          return {
            source: source.path,
            mount: readOnlyMount(
              path.posix.relative(stack.output, source.path),
              source.kind === 'file' ? file : dir,
            ),
            globs: source.kind === 'file' ? [file] : [`${dir}/*.yml`, `${dir}/*.yaml`],
          };
        })
      : [],
    ruleGroup: `${stack.name}-stack-health`,
    alerts: alertRules(stack),
    // A backend's metrics (Tempo's generator) come by remote write; the receiver is off unless asked for.
    remoteWriteReceiver: has.remoteWrite,
    health: wgetCheck(`http://127.0.0.1:${INTERNAL_PORTS.prometheus}/-/ready`),
    jobs: stack.scrapeJobs.map((job) => ({
      ...job,
      tlsConfig: job.tls
        ? {
            caFile: CA_FILE,
            serverName: job.target.split(':')[0]!,
            insecureSkipVerify: stack.tls.insecureSkipVerify,
          }
        : undefined,
    })),
    caMount: tls && secureJobs.length ? readOnlyMount(tls.ca, CA_FILE) : undefined,
    caFor: secureJobs.join(' and '),
    // A program on this machine, as a scrape target: Linux engines resolve host.docker.internal only when
    // told to (host-gateway); Docker Desktop does by itself.
    hostGateway: stack.prometheus.scrapeJobs.some((job) =>
      (job.targets ?? []).some((t) => t.startsWith(`${HOST_FROM_CONTAINERS}:`)),
    ),
    hostGatewayEntry: `${HOST_FROM_CONTAINERS}:host-gateway`,
    scrapeJobs: stack.prometheus.scrapeJobs.map((job) => ({
      name: job.name,
      metricsPath: job.metricsPath,
      scrapeInterval: job.scrapeInterval ?? '',
      // An app is scraped at its service name on the stack's network.
      targets: job.app
        ? [`${stack.apps.find((a) => a.name === job.app)?.service ?? job.app}:${job.port}`]
        : [...(job.targets ?? [])].sort(),
    })),
  };
}

export const PROMETHEUS: Component = {
  name: 'prometheus',
  runs: runs('prometheus'),
  files: () => [
    yaml('prometheus/prometheus.yml', 'prometheus/prometheus.yml', 'Scrape jobs, retention, rule files.'),
    yaml(
      'prometheus/rules/stack-health.yml',
      'prometheus/rules.yml',
      "Alerts on the stack's own health (Prometheus' Alerts page; no Alertmanager runs).",
    ),
  ],
  volumes: () => ['prometheus-data'],
  serviceTemplates: () => ['prometheus/service.yaml'],
  roles: ({ stack }) => ({
    [SERVICE_NAMES.prometheus]: backendOf(stack.backend).keepsSpanMetrics
      ? "Prometheus: the collector's own metrics"
      : "Prometheus: span metrics and the collector's own metrics",
  }),
  endpoints: (stack, { url }) => [
    {
      name: 'Prometheus',
      host: url(stack.exposure.ports.prometheus.ui),
      network: `http://${SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`,
    },
  ],
};
