/**
 * What a component of a generated stack is: when it runs, the files it renders (with what the stack's
 * README says of them), its named volumes, its compose services, and where users reach it. The list of
 * them is components.ts.
 */
import type { Stack } from '../model/normalize.js';
import type { Endpoint } from './endpoints.js';
import type { FileFormat } from './marker.js';
import type { BaseView } from './view.js';

export interface ComponentFile {
  /** Relative to the output folder. */
  path: string;
  template: string;
  format: FileFormat;
  /** The view the template renders, when not the stack's (an app's override). */
  view?: object;
  /**
   * Made from the other rendered files instead of a template (swarm.yaml, from compose.yaml): rendered
   * last, given every other file's content by path.
   */
  derive?(files: ReadonlyMap<string, string>): string;
  /** The README's row for it: a folder row (`grafana/dashboards/`) stands for every file in it. */
  readme?: { path?: string; description: string };
}

/** How an endpoint is spelled: `url` from the host (undefined when unpublished), `secure` its scheme under TLS. */
export interface EndpointContext {
  url(port: number | false, path?: string, scheme?: string): string | undefined;
  /** `https://` when TLS is on (OTLP and Tempo's API answer HTTPS only), else `http://`. */
  secure: string;
}

export interface Component {
  name: string;
  runs(stack: Stack): boolean;
  files(view: BaseView): ComponentFile[];
  /** Named volumes, without the project prefix compose adds. */
  volumes(stack: Stack): string[];
  /** The templates of its compose services, laid out in compose.yaml in component order. */
  serviceTemplates?(view: BaseView): string[];
  /** What each of its services does, for the README's table. */
  roles?(view: BaseView): Record<string, string>;
  /** Where users reach it: the README, `up` and `status` print these. */
  endpoints?(stack: Stack, at: EndpointContext): Endpoint[];
}

export const runs = (role: Stack['components'][number]) => (stack: Stack) => stack.components.includes(role);
export const yaml = (path: string, template: string, description?: string): ComponentFile => ({
  path,
  template,
  format: 'yaml',
  ...(description ? { readme: { description } } : {}),
});
