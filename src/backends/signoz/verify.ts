/**
 * How `verify` asks SigNoz: `GET /api/v2/readyz`, a session (`GET /api/v2/sessions/context`, then
 * `POST /api/v2/sessions/email_password` as the admin of .env) and `POST /api/v4/traces/{id}/waterfall`
 * (404 until the trace is stored). Its search API needs a session too, so `verify --app` points at its UI.
 */
import { describeNetworkError, request } from '../../verify/http.js';
import {
  excerpt,
  logsCommand,
  lookup,
  LookupRefused,
  options,
  unpublished,
  type Lookup,
  type LookupContext,
  type TraceLookup,
} from '../../verify/lookup.js';
import type { BackendVerify } from '../backend.js';
import { FACTS } from './facts.js';

export const VERIFY: BackendVerify = {
  traceLookup(context) {
    const port = context.stack.exposure.ports.signoz.ui;
    if (port === false) return { skip: unpublished(FACTS.title, 'signoz.ui') };
    const base = `http://${context.hostOf(FACTS.serviceNames.signoz)}:${port}`;
    return signozLookup(context, base, logsCommand(context.stack, FACTS.serviceNames.signoz));
  },
  serviceSearch: () => ({
    skip: (service) => `look for ${service} on SigNoz's Services page (its search API needs a session)`,
  }),
};

function signozLookup(context: LookupContext, base: string, logs: string): TraceLookup {
  const { stack, secrets } = context;
  const email = stack.signoz.admin.email;
  let token: string | undefined;
  const hint =
    `the collector accepted the span but SigNoz does not show it: SigNoz's collector writes only once SigNoz ` +
    `has handed it its pipelines; look at ${logs}`;

  async function login(): Promise<Lookup | undefined> {
    const ready = await request(`${base}/api/v2/readyz`, options(context));
    if (ready.status !== 200)
      return { found: false, detail: `SigNoz is not ready yet (readyz ${ready.status})` };
    const password = secrets.SIGNOZ_ADMIN_PASSWORD;
    if (!password)
      throw new LookupRefused(
        'SIGNOZ_ADMIN_PASSWORD is missing from the stack\'s .env (run "stackgen generate")',
      );
    const context_ = await request(
      `${base}/api/v2/sessions/context?email=${encodeURIComponent(email)}`,
      options(context),
    );
    const orgId = (context_.json as { data?: { orgs?: { id?: string }[] } })?.data?.orgs?.[0]?.id;
    if (!orgId)
      throw new LookupRefused(
        `SigNoz knows no organisation of ${email} (${context_.status}: ${excerpt(context_.text)})`,
      );
    const session = await request(`${base}/api/v2/sessions/email_password`, {
      ...options(context),
      method: 'POST',
      json: { email, password, orgId },
    });
    token = (session.json as { data?: { accessToken?: string } })?.data?.accessToken;
    if (session.status !== 200 || !token) {
      throw new LookupRefused(
        `SigNoz refused the login of ${email} (${session.status}): SigNoz sets the admin's password from ` +
          `SIGNOZ_ADMIN_PASSWORD when it starts, so after a change in .env run "stackgen up ${stack.name}" to restart it`,
      );
    }
    return undefined;
  }

  return {
    backend: FACTS.title,
    api: `POST ${base}/api/v4/traces/{id}/waterfall`,
    hint,
    async find(id, serviceName) {
      try {
        if (!token) {
          const notReady = await login();
          if (notReady) return notReady;
        }
        return await lookup(
          () =>
            request(`${base}/api/v4/traces/${id}/waterfall`, {
              ...options(context),
              method: 'POST',
              json: {},
              headers: { authorization: `Bearer ${token}` },
            }),
          serviceName,
        );
      } catch (error) {
        if (error instanceof LookupRefused) throw error;
        return { found: false, detail: describeNetworkError(error) };
      }
    },
  };
}
