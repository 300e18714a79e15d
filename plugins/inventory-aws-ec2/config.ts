import type { Filter } from '@aws-sdk/client-ec2';
import { RunnerError } from '../../core/errors.js';

/**
 * The options of an aws_ec2 inventory config this plugin understands, checked
 * up front so a typo is an error naming the file, not an empty inventory.
 */
export interface KeyedGroup {
  key: string;
  prefix: string;
  separator: string;
  parentGroup?: string;
  leadingSeparator: boolean;
}

export interface AwsEc2Config {
  regions: string[];
  filters: Filter[];
  hostnames: string[];
  keyedGroups: KeyedGroup[];
  compose: Record<string, string>;
}

const KNOWN = new Set([
  'plugin',
  'regions',
  'filters',
  'hostnames',
  'keyed_groups',
  'compose',
  'strict',
  'leading_separator',
  'use_contrib_script_compatible_sanitization',
]);

/** By default amazon.aws.aws_ec2 leaves terminated (and shutting-down) instances out. */
const DEFAULT_STATES = ['pending', 'running', 'stopping', 'stopped'];

function invalid(file: string, message: string): RunnerError {
  return new RunnerError('INVENTORY_INVALID', `aws_ec2 config: ${message}`, { file });
}

function stringList(value: unknown, what: string, file: string): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(file, `${what} must be a list of strings`);
  }
  return value as string[];
}

export function readAwsEc2Config(raw: unknown, file: string): AwsEc2Config {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw invalid(file, 'expected a mapping with plugin: aws_ec2');
  const cfg = raw as Record<string, unknown>;
  for (const key of Object.keys(cfg)) {
    if (!KNOWN.has(key)) throw invalid(file, `unknown option "${key}" (known: ${[...KNOWN].join(', ')})`);
  }
  const envRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const regions =
    cfg.regions === undefined ? (envRegion ? [envRegion] : []) : stringList(cfg.regions, 'regions', file);
  if (regions.length === 0) throw invalid(file, 'regions is required (or set AWS_REGION)');

  const filters: Filter[] = [];
  if (cfg.filters !== undefined && cfg.filters !== null) {
    if (typeof cfg.filters !== 'object' || Array.isArray(cfg.filters))
      throw invalid(file, 'filters must be a mapping');
    for (const [name, value] of Object.entries(cfg.filters)) {
      const values = (Array.isArray(value) ? value : [value]).map(String);
      filters.push({ Name: name.startsWith('tag:') ? name : name.replace(/_/g, '-'), Values: values });
    }
  }
  if (!filters.some((f) => f.Name === 'instance-state-name'))
    filters.push({ Name: 'instance-state-name', Values: DEFAULT_STATES });

  const hostnames =
    cfg.hostnames === undefined
      ? ['dns-name', 'private-dns-name']
      : stringList(cfg.hostnames, 'hostnames', file);

  const leadingSeparator = cfg.leading_separator === undefined ? true : cfg.leading_separator === true;
  const keyedGroups: KeyedGroup[] = [];
  if (cfg.keyed_groups !== undefined) {
    if (!Array.isArray(cfg.keyed_groups)) throw invalid(file, 'keyed_groups must be a list');
    for (const [i, entry] of cfg.keyed_groups.entries()) {
      const e = entry as Record<string, unknown>;
      if (!e || typeof e !== 'object' || typeof e.key !== 'string') {
        throw invalid(file, `keyed_groups[${i}] needs a "key" expression`);
      }
      keyedGroups.push({
        key: e.key,
        prefix: e.prefix === undefined || e.prefix === null ? '' : String(e.prefix),
        separator: e.separator === undefined || e.separator === null ? '_' : String(e.separator),
        parentGroup: typeof e.parent_group === 'string' ? e.parent_group : undefined,
        leadingSeparator,
      });
    }
  }

  const compose: Record<string, string> = {};
  if (cfg.compose !== undefined && cfg.compose !== null) {
    if (typeof cfg.compose !== 'object' || Array.isArray(cfg.compose))
      throw invalid(file, 'compose must be a mapping');
    for (const [k, v] of Object.entries(cfg.compose)) {
      if (typeof v !== 'string') throw invalid(file, `compose.${k} must be an expression string`);
      compose[k] = v;
    }
  }
  return { regions, filters, hostnames, keyedGroups, compose };
}
