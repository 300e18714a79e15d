import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { connect, exec } from '../ssh-client.js';

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

describe('a fleet of 200 sandbox hosts', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 200 });
  }, 120_000);
  afterAll(() => sb.stop());

  it('opens all 200 at once (50 in flight) and runs a command on each', { timeout: 600_000 }, async () => {
    expect(sb.hosts).toHaveLength(200);
    expect(new Set(sb.hosts.map((h) => h.address)).size).toBe(200);
    expect(sb.hosts.filter((h) => h.class === 'ec2')).toHaveLength(100);
    const clients = await pool(sb.hosts, 50, (h) => connect(h));
    try {
      const outputs = await pool(clients, 50, (c) => exec(c, 'hostname'));
      expect(outputs.map((o) => o.stdout.trim())).toEqual(sb.hosts.map((h) => h.name));
      expect(outputs.every((o) => o.code === 0)).toBe(true);
    } finally {
      for (const c of clients) c.end();
    }
  });

  it('can use distinct ports on one address instead', async () => {
    const other = await startSandbox({ hosts: 3, bindAddress: '127.0.0.1' });
    try {
      expect(new Set(other.hosts.map((h) => h.port)).size).toBe(3);
      const c = await connect(other.hosts[2]);
      expect((await exec(c, 'hostname')).stdout).toBe(`${other.hosts[2].name}\n`);
      c.end();
    } finally {
      await other.stop();
    }
  });
});
