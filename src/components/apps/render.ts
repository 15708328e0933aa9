/** The override file of each app: the networks it joins and where its SDK sends; and the apps' entry (APPS). */
import type { App, Stack } from '../../model/normalize.js';
import { APP_CA_FILE, otelEnvironment } from '../../render/otel-env.js';
import { readOnlyMount } from '../../render/common.js';
import path from 'node:path';
import type { Component } from '../../render/component.js';

export function appsView(stack: Stack) {
  const tls = stack.tls.paths;
  return stack.apps.map((app) => {
    const stackNetworks = [stack.networks.observability, ...app.networks];
    const overrideFile = `apps/${app.name}.override.yaml`;
    // Compose resolves paths in an override from the first file's folder: the app's own project.
    const projectDir = app.composeFile ? path.posix.dirname(app.composeFile) : '.';
    return {
      ...app,
      overrideFile,
      upCommand: appUpCommand(stack, app.composeFile, overrideFile),
      environment: otelEnvironment(stack, { from: 'network', protocol: app.protocol, app }).map(
        ([name, value]) => ({ name, value }),
      ),
      // Its own networks first (compose replaces the list), then the stack's it is not on already (by key,
      // or by the name Docker gives one of its own networks), each once.
      serviceNetworks: [...new Set([...app.ownNetworks, ...joining(app, stackNetworks)])],
      externalNetworks: joining(app, stackNetworks),
      caMount: tls
        ? readOnlyMount(path.posix.relative(projectDir, path.posix.join(stack.output, tls.ca)), APP_CA_FILE)
        : undefined,
    };
  });
}

/** The stack's networks the app must be joined to: those it is not on in its own project. */
function joining(app: App, stackNetworks: string[]): string[] {
  return stackNetworks.filter((n) => !app.ownNetworks.includes(n) && !app.ownNetworkNames.includes(n));
}

/** The command that starts an app's own compose project with its override file. */
export function appUpCommand(stack: Stack, composeFile: string | undefined, overrideFile: string): string {
  return `docker compose -f ${composeFile ?? 'docker-compose.yml'} -f ${stack.output}/${overrideFile} up -d`;
}

export const APPS: Component = {
  name: 'apps',
  runs: (stack) => stack.apps.length > 0,
  files: (view) =>
    view.apps.map((app) => ({
      path: app.overrideFile,
      template: 'compose/app-override.yaml',
      format: 'yaml',
      view: { ...view, app },
      readme: { path: 'apps/', description: 'An override file per app, for your own compose project.' },
    })),
  volumes: () => [],
};
