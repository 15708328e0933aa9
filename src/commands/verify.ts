/**
 * `stackgen verify [STACK] [--json] [--timeout <s>]`: is the pipeline working, or is it my
 * instrumentation? Checks the running stack hop by hop (see verify/verify.ts); exit 0 only when no hop
 * fails. The JSON shape (VerifyReport) is stable and documented in the README.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { preflightDocker } from '../docker/cli.js';
import { ComposeProject } from '../docker/compose.js';
import { OperationError } from '../errors.js';
import type { CommandContext, Io } from '../io.js';
import { readSecrets } from '../output/secrets.js';
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { probeCollector, probeCollectorFromHost, type Probe } from '../components/collector/health.js';
import { findApp, selectStack } from '../runtime/select-stack.js';
import { publishedHosts } from '../runtime/swarm.js';
import { hostForUrls } from '../render/endpoints.js';
import {
  syntheticServiceName,
  verifyAppOf,
  verifyStack,
  type HopResult,
  type VerifyReport,
} from '../verify/verify.js';

export interface VerifyOptions extends CommandContext {
  stack: string | undefined;
  /** Check this app of the stack file instead of sending a synthetic span. */
  app?: string;
  json: boolean;
  /** Seconds the backend and Prometheus get to show the synthetic span. */
  timeout: number;
}

export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const { cwd, io } = options;
  const { stack } = await selectStack(cwd, io, options.stack, 'verify', options.invokedIn);
  if (stack.target === 'swarm' && options.app !== undefined) {
    throw new OperationError(
      `verify --app checks an app's compose containers on this engine; ${stack.name} runs on a Swarm (target: swarm), where the apps are yours to deploy: run "stackgen verify ${stack.name}" for the stack itself`,
    );
  }
  // On a swarm, each service is asked on the node that publishes its ports; else where the stack binds them.
  const hostOf =
    stack.target === 'swarm' ? await publishedHosts(stack) : () => hostForUrls(stack.exposure.bindAddress);
  const secrets = await readSecrets(cwd, stack);
  const tls = stack.tls.paths;
  let ca: string | undefined;
  if (tls) {
    const caFile = path.resolve(cwd, stack.output, tls.ca);
    ca = await readFile(caFile, 'utf8').catch(() => {
      throw new OperationError(
        `the stack's CA ${path.relative(cwd, caFile)} is missing: run "stackgen certs ${stack.name}" (or generate)`,
      );
    });
  }
  const app = options.app === undefined ? undefined : findApp(stack, options.app);
  const service = app?.serviceName ?? syntheticServiceName();
  if (!options.json)
    io.out(
      app
        ? `Verifying that the app ${app.name} of the ${stack.name} stack sends to it (as ${service})`
        : `Verifying the ${stack.name} stack (${stack.sourceFile}) with spans of ${service}`,
    );
  const context = {
    stack,
    service,
    projectRoot: cwd,
    secrets,
    ca,
    timeoutMs: options.timeout * 1000,
    hostOf,
    probeCollector: async () =>
      (await probeCollectorFromHost(stack, hostOf(SERVICE_NAMES.collector))) ??
      (stack.target === 'swarm' ? undefined : probeThroughDocker(stack, cwd)),
    onHop: options.json ? undefined : (hop: HopResult) => printHop(io, hop),
  };
  if (app) await preflightDocker();
  const report = app ? await verifyAppOf(context, app) : await verifyStack(context);
  if (options.json) io.out(JSON.stringify(report, null, 2));
  const failed = report.hops.filter((h) => h.status === 'fail');
  if (failed.length) {
    const first = failed[0]!;
    throw new OperationError(
      `verify failed at hop ${first.step} (${first.name})` +
        (failed.length > 1 ? ` and ${failed.length - 1} later hop${failed.length > 2 ? 's' : ''}` : ''),
    );
  }
  if (!options.json) {
    io.out(
      app
        ? `${app.name} sends to the stack: find the spans of ${service} in the UI.`
        : `The pipeline works: find the spans of ${service} in the UI. If your own telemetry is missing, ` +
            `"stackgen verify ${stack.name} --app <name>" checks an app of the stack file.`,
    );
  }
  return report;
}

/** Without a published health port: ask from a sibling container, if the collector runs at all. */
async function probeThroughDocker(stack: Stack, cwd: string): Promise<Probe | undefined> {
  const project = new ComposeProject(await preflightDocker(), stack, cwd);
  const collector = (await project.ps()).find((c) => c.service === SERVICE_NAMES.collector);
  if (collector?.state !== 'running') {
    return {
      healthy: false,
      via: 'docker compose ps',
      reason: `the collector (${SERVICE_NAMES.collector}) is ${collector ? collector.state : 'not running'}`,
    };
  }
  return probeCollector(project);
}

function printHop(io: Io, hop: HopResult): void {
  const seconds = `${hop.seconds.toFixed(1)}s`.padStart(6);
  io.out(`  ${hop.step}  ${hop.status.padEnd(4)}  ${hop.name.padEnd(26)} ${seconds}  ${hop.detail}`);
  if (hop.hint) io.out(`           hint: ${hop.hint}`);
}
