import { afterEach, describe, expect, it } from 'vitest';
import { HealthCheckServers } from './health-check.js';

describe('service health check servers (kube-proxy healthcheck/service_health.go)', () => {
  const servers = new HealthCheckServers('127.0.0.1', () => undefined);
  afterEach(() => servers.close());

  it('answers 200 with local endpoints, 503 without, and follows count changes', async () => {
    await servers.sync(new Map([[0, { namespace: 'default', name: 'web', localEndpoints: 2 }]]));
    const [port] = servers.ports();
    const first = await fetch(`http://127.0.0.1:${port}/`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      service: { namespace: 'default', name: 'web' },
      localEndpoints: 2,
      serviceProxyHealthy: true,
    });
    await servers.sync(new Map([[0, { namespace: 'default', name: 'web', localEndpoints: 0 }]]));
    // port 0 asked for a free port; the listener kept for key 0 is the same one
    expect(servers.ports()).toEqual([port]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);
  });

  it('stops listening on ports no longer wanted', async () => {
    await servers.sync(new Map([[0, { namespace: 'a', name: 'b', localEndpoints: 1 }]]));
    const [port] = servers.ports();
    await servers.sync(new Map());
    expect(servers.ports()).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
