import type { Secret } from '../../core/secret.js';

/**
 * The agent's preconfig, as the AWS CLI writes it ("Ruby YAML"): keys sorted,
 * each line `:<key>: <JSON value>`, no header. Values are JSON-encoded the way
 * Python's json.dumps does by default (non-ASCII as \uXXXX), so the text is
 * byte-for-byte the CLI's. The result holds the secret key when one is given:
 * it goes to the host only through a 0600 file or stdin, never a command line.
 */
export interface PreconfigInput {
  stackId: string;
  /** DescribeStackProvisioningParameters' `Parameters`. */
  parameters: Record<string, string>;
  accessKeyId?: string;
  secretAccessKey?: Secret;
  /** Only when overridden. */
  hostname?: string;
  privateIp?: string;
  publicIp?: string;
  infrastructureClass: 'ec2' | 'on-premises';
}

/** JSON.stringify with Python's ensure_ascii (json.dumps' default). */
export function pyJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function preconfigEntries(input: PreconfigInput): Record<string, unknown> {
  const map: Record<string, unknown> = { ...input.parameters, stack_id: input.stackId };
  if (input.accessKeyId && input.secretAccessKey) {
    map.access_key_id = input.accessKeyId;
    map.secret_access_key = input.secretAccessKey.reveal();
  }
  if (input.hostname) map.hostname = input.hostname;
  if (input.privateIp) map.private_ip = input.privateIp;
  if (input.publicIp) map.public_ip = input.publicIp;
  map.import = input.infrastructureClass === 'ec2';
  return map;
}

/** The preconfig text (no trailing newline, as the CLI writes it before its heredoc's end). */
export function preconfigText(input: PreconfigInput): string {
  const map = preconfigEntries(input);
  return Object.keys(map)
    .sort()
    .map((k) => `:${k}: ${pyJson(map[k])}`)
    .join('\n');
}
