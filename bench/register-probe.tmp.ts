import { startSandbox } from '../sandbox/index.js';
import { runCli } from '../test/support/cli.js';
import { join } from 'node:path';
const sb = await startSandbox({ hosts: 1, ec2Share: 0 });
const inv = join(sb.dir, 'inv.yml'); await sb.writeInventory(inv);
const r = await runCli(['play','register','-i',inv,'--known-hosts',sb.knownHostsFile,'-e',`opsworks_stack_id=${sb.stackId}`,'-e','opsworks_os_updates=remind'], { env: { ...sb.envVars() }, timeoutMs: 120000 });
console.log(r.code, r.stdout.slice(-1500));
for (const c of sb.commands()) console.log('CMD', c.kind, JSON.stringify(c.command).slice(0, 600));
await sb.stop();
