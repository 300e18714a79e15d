/**
 * How long a 10,000-host inventory takes to load: ranges in YAML and INI,
 * group_vars for every group and host_vars for a few hundred hosts, then the
 * merged vars of every host and the --list output. Not a test: it prints.
 *
 *   npx tsx bench/inventory.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatInventoryList, loadInventory } from '../core/inventory/index.js';

async function generate(dir: string): Promise<void> {
  const yaml: string[] = ['all:', '  vars:', '    ansible_user: deploy', '  children:'];
  // 40 YAML groups of 150 hosts each (6,000), nested under regions.
  for (let r = 0; r < 4; r++) {
    yaml.push(`    region${r}:`, '      children:');
    for (let g = 0; g < 10; g++) {
      const name = `r${r}_svc${g}`;
      yaml.push(`        ${name}:`, '          hosts:', `            ${name}-[001:150].example.com:`);
      yaml.push(
        '          vars:',
        `            service: svc${g}`,
        `            ansible_group_priority: ${g % 3}`,
      );
    }
  }
  await writeFile(join(dir, 'fleet.yml'), `${yaml.join('\n')}\n`);
  // 4,000 more hosts in INI, 20 groups of 200, with inline vars.
  const ini: string[] = [];
  for (let g = 0; g < 20; g++) {
    ini.push(`[edge${g}]`, `edge${g}-[0001:0200].example.net ansible_port=22 rack=${g}`);
    ini.push(`[edge${g}:vars]`, `tier='edge'`);
  }
  ini.push('[edges:children]', ...Array.from({ length: 20 }, (_, g) => `edge${g}`));
  await writeFile(join(dir, 'edge.ini'), `${ini.join('\n')}\n`);
  await mkdir(join(dir, 'group_vars'));
  await mkdir(join(dir, 'host_vars'));
  await writeFile(join(dir, 'group_vars', 'all.yml'), 'ntp: ntp.example.com\n');
  for (let r = 0; r < 4; r++) {
    await writeFile(join(dir, 'group_vars', `region${r}.yml`), `region: eu-${r}\n`);
    for (let g = 0; g < 10; g++)
      await writeFile(join(dir, 'group_vars', `r${r}_svc${g}.yml`), `svc_port: ${8000 + g}\n`);
  }
  for (let h = 1; h <= 300; h++) {
    const name = `r0_svc0-${String(h % 150 || 150).padStart(3, '0')}.example.com`;
    await writeFile(join(dir, 'host_vars', `${name}.yml`), `special: ${h}\n`);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'runner-bench-inventory-'));
try {
  await generate(dir);
  const t0 = performance.now();
  const inv = await loadInventory(['fleet.yml', 'edge.ini'], { cwd: dir });
  const t1 = performance.now();
  let vars = 0;
  for (const h of inv.hostNames()) vars += Object.keys(inv.hostVars(h)).length;
  const t2 = performance.now();
  const list = formatInventoryList(inv);
  const t3 = performance.now();
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  console.log(`hosts: ${inv.hostNames().length}, groups: ${inv.groupNames().length}, vars merged: ${vars}`);
  console.log(`load (parse + group_vars/host_vars): ${ms(t1 - t0)}`);
  console.log(`merged vars for every host: ${ms(t2 - t1)}`);
  console.log(`--list JSON (${(list.length / 1024).toFixed(0)} KiB): ${ms(t3 - t2)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
