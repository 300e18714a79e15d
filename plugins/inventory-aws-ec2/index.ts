import { readFile } from 'node:fs/promises';
// Types only at the top: the SDK loads when an aws_ec2 source is read, not with every run.
import type { EC2Client, Filter, Instance } from '@aws-sdk/client-ec2';
import { isRunnerError, RunnerError } from '../../core/errors.js';
import {
  addChild,
  addGroup,
  addHost,
  type InventoryData,
  type InventorySourceContext,
  type InventorySourcePlugin,
  loadYamlOrJson,
  resolveTemplates,
  setHostVar,
  toPlain,
  type Vars,
} from '../../core/inventory/index.js';
import { acceptsAwsEc2Inventory } from './accepts.js';
import { readAwsEc2Config } from './config.js';
import { instanceVars } from './instance-vars.js';

/**
 * Dynamic inventory from EC2, read from a YAML file named `*aws_ec2.yml` (or
 * `.yaml`) with `plugin: aws_ec2` or `plugin: amazon.aws.aws_ec2`, following
 * the amazon.aws.aws_ec2 plugin's options that fleets use most: `regions`,
 * `filters`, `hostnames`, `keyed_groups`, `compose`. Every instance goes to the
 * `aws_ec2` group, with its attributes as snake_case host vars, as Ansible's
 * plugin does. Credentials and the endpoint (AWS_ENDPOINT_URL) come from the
 * SDK's default chain.
 */
export type Ec2ClientFactory = (region: string) => EC2Client | Promise<EC2Client>;

export function createAwsEc2InventorySource(
  clientFactory: Ec2ClientFactory = async (region) =>
    new (await import('@aws-sdk/client-ec2')).EC2Client({ region }),
) {
  const source: InventorySourcePlugin = {
    name: 'aws_ec2',
    fileNames: '*aws_ec2.yml or *aws_ec2.yaml',
    accepts: acceptsAwsEc2Inventory,
    async load(path: string, into: InventoryData, ctx: InventorySourceContext): Promise<void> {
      const text = await readFile(path, 'utf8');
      const config = readAwsEc2Config(toPlain(loadYamlOrJson(text, path).value), path);
      addGroup(into, 'aws_ec2');
      for (const region of config.regions) {
        const client = await clientFactory(region);
        for (const instance of await describe(client, region, config.filters, path)) {
          addInstance(instance, region, into, config, ctx, path);
        }
      }
    },
  };
  return source;
}

async function describe(
  client: EC2Client,
  region: string,
  filters: Filter[],
  file: string,
): Promise<Instance[]> {
  const out: Instance[] = [];
  const { paginateDescribeInstances } = await import('@aws-sdk/client-ec2');
  try {
    for await (const page of paginateDescribeInstances({ client }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) out.push(...(reservation.Instances ?? []));
    }
  } catch (e) {
    if (isRunnerError(e)) throw e;
    const err = e as { name?: string; message?: string };
    throw new RunnerError(
      'AWS_ERROR',
      `aws_ec2 inventory: DescribeInstances in ${region} failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`,
      { file, cause: e },
    );
  }
  return out;
}

function addInstance(
  instance: Instance,
  region: string,
  into: InventoryData,
  config: ReturnType<typeof readAwsEc2Config>,
  ctx: InventorySourceContext,
  file: string,
): void {
  const vars = instanceVars(instance, region);
  const name = hostnameFor(vars, config.hostnames);
  if (!name) {
    ctx.warn({
      message: `aws_ec2: instance ${instance.InstanceId ?? '?'} has none of the hostnames asked for; skipped`,
      file,
    });
    return;
  }
  addHost(into, name, 'aws_ec2');
  for (const [k, v] of Object.entries(vars)) setHostVar(into, name, k, v);
  // compose: each value is an expression over the instance vars; failures are skipped (strict: false).
  const composed: Vars = {};
  for (const [k, expr] of Object.entries(config.compose)) {
    const v = evaluate(expr, { ...vars, ...composed });
    if (v !== undefined) {
      composed[k] = v;
      setHostVar(into, name, k, v);
    }
  }
  const all = { ...vars, ...composed };
  for (const keyed of config.keyedGroups) {
    const value = evaluate(keyed.key, all);
    if (value === undefined || value === null || value === '') continue;
    for (const bare of keyedNames(value, keyed.separator)) {
      const sep = keyed.prefix === '' && !keyed.leadingSeparator ? '' : keyed.separator;
      const group = sanitizeGroupName(`${keyed.prefix}${sep}${bare}`);
      addGroup(into, group);
      addHost(into, name, group);
      if (keyed.parentGroup) {
        addGroup(into, keyed.parentGroup);
        addChild(into, keyed.parentGroup, group);
      }
    }
  }
}

/** Values of a keyed group's key: a list gives one group each, a dict gives `k<sep>v` each. */
function keyedNames(value: unknown, sep: string): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === 'object')
    return Object.entries(value).map(([k, v]) => (v === '' || v === null ? k : `${k}${sep}${String(v)}`));
  return [String(value)];
}

/** Ansible's to_safe_group_name as constructed plugins force it: anything but [A-Za-z0-9_] becomes `_`. */
export function sanitizeGroupName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function evaluate(expr: string, vars: Vars): unknown {
  try {
    return resolveTemplates(`{{ ${expr} }}`, vars);
  } catch {
    return undefined;
  }
}

const HOSTNAME_KEYS: Record<string, string> = {
  'dns-name': 'public_dns_name',
  'ip-address': 'public_ip_address',
  'public-dns-name': 'public_dns_name',
  'public-ip-address': 'public_ip_address',
  'private-dns-name': 'private_dns_name',
  'private-ip-address': 'private_ip_address',
  'instance-id': 'instance_id',
};

/** The first hostname preference the instance has a value for. */
export function hostnameFor(vars: Vars, preferences: string[]): string | undefined {
  for (const pref of preferences) {
    let value: unknown;
    if (pref.startsWith('tag:')) {
      const [tagName, wanted] = pref.slice(4).split('=', 2);
      const tags = (vars.tags ?? {}) as Record<string, string>;
      const v = tags[tagName];
      if (v === undefined) continue;
      if (wanted !== undefined) value = v === wanted ? `${tagName}_${v}` : undefined;
      else value = v;
    } else {
      const key = HOSTNAME_KEYS[pref] ?? pref.replace(/-/g, '_');
      value = vars[key];
    }
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

export const awsEc2InventorySource: InventorySourcePlugin = createAwsEc2InventorySource();

export default {
  name: 'inventory-aws-ec2',
  description: "Dynamic inventory from EC2, as Ansible's amazon.aws.aws_ec2 plugin reads its config.",
  inventorySources: [awsEc2InventorySource],
};
