/**
 * How long a 10,000-host and a 100,000-host inventory take to load: ranges in
 * YAML (60%) and INI (40%), group_vars for every group and host_vars for a few
 * hundred hosts, then the merged vars of every host and the --list output.
 * Then 100,000 hosts written out one by one, as exported inventories are
 * (half YAML, half INI), each with its own ansible_host and rack.
 * Not a test: it prints.
 *
 *   npm run bench:inventory
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { inventoryListChunks, loadInventory } from '../core/inventory/index.js';

async function generate(dir: string, scale: number): Promise<void> {
  const yaml: string[] = ['all:', '  vars:', '    ansible_user: deploy', '  children:'];
  // 40 YAML groups of 150 x scale hosts each (6,000 x scale), nested under regions.
  for (let r = 0; r < 4; r++) {
    yaml.push(`    region${r}:`, '      children:');
    for (let g = 0; g < 10; g++) {
      const name = `r${r}_svc${g}`;
      yaml.push(
        `        ${name}:`,
        '          hosts:',
        `            ${name}-[1:${150 * scale}].example.com:`,
      );
      yaml.push(
        '          vars:',
        `            service: svc${g}`,
        `            ansible_group_priority: ${g % 3}`,
      );
    }
  }
  await writeFile(join(dir, 'fleet.yml'), `${yaml.join('\n')}\n`);
  // 4,000 x scale more hosts in INI, 20 groups of 200 x scale, with inline vars.
  const ini: string[] = [];
  for (let g = 0; g < 20; g++) {
    ini.push(`[edge${g}]`, `edge${g}-[1:${200 * scale}].example.net ansible_port=22 rack=${g}`);
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
    const name = `r0_svc0-${h % 150 || 150}.example.com`;
    await writeFile(join(dir, 'host_vars', `${name}.yml`), `special: ${h}\n`);
  }
}

/** 100,000 hosts one per line: 50 YAML groups and 50 INI groups of 1,000, two vars per host. */
async function generateListed(dir: string): Promise<void> {
  const yaml: string[] = ['all:', '  vars:', '    ansible_user: deploy', '  children:'];
  const ini: string[] = [];
  for (let g = 0; g < 50; g++) {
    yaml.push(`    web${g}:`, '      hosts:');
    ini.push(`[db${g}]`);
    for (let i = 0; i < 1000; i++) {
      const address = `${g}.${Math.floor(i / 250)}.${i % 250}`;
      yaml.push(
        `        web${g}-${i}.example.com:`,
        `          ansible_host: 10.${address}`,
        `          rack: r${i % 40}`,
      );
      ini.push(
        `db${g}-${i}.example.net ansible_host=10.${100 + g}.${Math.floor(i / 250)}.${i % 250} rack=r${i % 40}`,
      );
    }
  }
  await writeFile(join(dir, 'fleet.yml'), `${yaml.join('\n')}\n`);
  await writeFile(join(dir, 'edge.ini'), `${ini.join('\n')}\n`);
}

const SHAPES = [
  { label: '10,000 hosts (ranges)', make: (dir: string) => generate(dir, 1) },
  { label: '100,000 hosts (ranges)', make: (dir: string) => generate(dir, 10) },
  { label: '100,000 hosts (one per line, 2 vars each)', make: generateListed },
];

for (const shape of SHAPES) {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-inventory-'));
  try {
    await shape.make(dir);
    // Wall time and this process's CPU time (user+sys) for each step: on a shared
    // machine the CPU figure is the steadier of the two.
    const mark = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
    const t0 = mark();
    const inv = await loadInventory(['fleet.yml', 'edge.ini'], { cwd: dir });
    const t1 = mark();
    let vars = 0;
    for (const h of inv.hostNames()) vars += Object.keys(inv.hostVars(h)).length;
    const t2 = mark();
    // As `runner inventory list` does: written piece by piece (here to /dev/null).
    const sink = openSync('/dev/null', 'w');
    let listBytes = 0;
    for (const chunk of inventoryListChunks(inv)) listBytes += writeSync(sink, chunk);
    closeSync(sink);
    const t3 = mark();
    const ms = (a: ReturnType<typeof mark>, b: ReturnType<typeof mark>) => {
      const used = b.cpu.user + b.cpu.system - (a.cpu.user + a.cpu.system);
      return `${(b.wall - a.wall).toFixed(0)} ms (cpu ${(used / 1000).toFixed(0)} ms)`;
    };
    console.log(`-- ${shape.label} --`);
    console.log(`hosts: ${inv.hostNames().length}, groups: ${inv.groupNames().length}, vars merged: ${vars}`);
    console.log(`load (parse + group_vars/host_vars): ${ms(t0, t1)}`);
    console.log(`merged vars for every host: ${ms(t1, t2)}`);
    console.log(`total: ${ms(t0, t3)}; load average ${loadavg()[0]!.toFixed(1)}`);
    console.log(`--list JSON (${(listBytes / 1024).toFixed(0)} KiB): ${ms(t2, t3)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
