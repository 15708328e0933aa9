/** The collector's health as `up`, `status` and `verify` ask it from this machine (real HTTP on 127.0.0.1). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeCollectorFromHost } from '../../src/components/collector/health.js';
import { planOf } from '../helpers/plan.js';

const servers: http.Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function listen(status: number): Promise<number> {
  const server = http.createServer((_req, res) => res.writeHead(status).end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one just closed. */
async function closedPort(): Promise<number> {
  const port = await listen(200);
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}

async function stack(backend: string, health: number, otlpHttp: number) {
  return (
    await planOf(
      `name: demo\nbackend: ${backend}\nexposure:\n  ports:\n    collector: {health: ${health}, otlpHttp: ${otlpHttp}}\n`,
    )
  ).stack;
}

describe('the collector health probe from the host', () => {
  it('is healthy when the health endpoint and OTLP/HTTP both answer (any HTTP status)', async () => {
    const probe = await probeCollectorFromHost(await stack('jaeger', await listen(200), await listen(405)));
    expect(probe).toMatchObject({ healthy: true });
  });

  it("is not healthy while SigNoz's collector answers health but has not opened OTLP, and says why", async () => {
    const otlp = await closedPort();
    const probe = await probeCollectorFromHost(await stack('signoz', await listen(200), otlp));
    expect(probe).toEqual({
      healthy: false,
      via: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      reason: `its health endpoint answers, but OTLP/HTTP (http://127.0.0.1:${otlp}/v1/traces) does not: SigNoz has not handed it its configuration yet (OpAMP)`,
    });
  });

  it('is not healthy when the health endpoint does not answer', async () => {
    const probe = await probeCollectorFromHost(await stack('jaeger', await closedPort(), await listen(200)));
    expect(probe).toMatchObject({ healthy: false });
  });
});
