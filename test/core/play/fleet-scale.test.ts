import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePlaybook } from '../../../core/index.js';
import { Inventory } from '../../../core/inventory/model.js';
import { TemplateEngine } from '../../../core/template/engine.js';
import { runTestPlaybook } from '../../../core/testing/index.js';

// The controller's work per host must not grow with the fleet: the same play
// over 100 and over 1,000 in-memory hosts (no SSH, no processes, so only the
// controller works) must cost each host the same number of operations. Counted,
// not timed: template renders and evaluations, merged-vars lookups, events and
// commands, per host.
const playbook = definePlaybook({
  name: 'scale',
  plays: [
    {
      name: 'three tasks and a condition',
      hosts: 'all',
      gatherFacts: false,
      vars: { greeting: 'hello' },
      tasks: [
        { name: 'plain', module: 'command', args: { cmd: 'uptime' } },
        {
          name: 'templated',
          module: 'shell',
          args: { cmd: 'echo {{ greeting }} {{ inventory_hostname }} {{ groups["all"] | length }}' },
          register: 'said',
        },
        { name: 'conditional', module: 'command', args: { cmd: 'true' }, when: 'said.rc == 0' },
      ],
    },
  ],
});

async function perHost(n: number) {
  const hosts = Array.from({ length: n }, (_, i) => `h${String(i).padStart(5, '0')}.fleet.test`);
  const spies = [
    vi.spyOn(TemplateEngine.prototype, 'render'),
    vi.spyOn(TemplateEngine.prototype, 'renderText'),
    vi.spyOn(TemplateEngine.prototype, 'renderDeep'),
    vi.spyOn(TemplateEngine.prototype, 'evaluate'),
  ];
  const hostVars = vi.spyOn(Inventory.prototype, 'hostVars');
  const magicVars = vi.spyOn(Inventory.prototype, 'magicVars');
  try {
    const run = await runTestPlaybook({ playbook, hosts, forks: 100 });
    expect(run.exitCode).toBe(0);
    expect(run.recap.hosts).toHaveLength(n);
    const templating = spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
    // Events about one host (task results carry it in the result), and the few the run emits once.
    const hostEvents = run.events.filter((e) =>
      e.type === 'host.task.result' ? true : 'host' in e && e.host !== undefined,
    ).length;
    return {
      templating: templating / n,
      hostVars: hostVars.mock.calls.length / n,
      magicVars: magicVars.mock.calls.length / n,
      hostEvents: hostEvents / n,
      otherEvents: run.events.length - hostEvents,
      commands: [...run.commands.values()].reduce((sum, c) => sum + c.length, 0) / n,
    };
  } finally {
    for (const s of [...spies, hostVars, magicVars]) s.mockRestore();
  }
}

describe('the controller at fleet scale (in-memory hosts)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('does the same work per host at 100 and at 1,000 hosts', async () => {
    const small = await perHost(100);
    const large = await perHost(1000);
    expect(small.commands).toBe(3);
    expect(small.templating).toBeGreaterThan(0);
    console.log(`per host at 100 and 1,000 hosts: ${JSON.stringify(small)} / ${JSON.stringify(large)}`);
    expect(large).toEqual(small);
  }, 120_000);
});
