import { randomBytes, randomUUID } from 'node:crypto';

/** Identifier shapes as AWS makes them, so code that validates them accepts ours. */

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function upperId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; out.length < length; i++) out += UPPER[bytes[i] % UPPER.length];
  return out;
}

export const uuid = (): string => randomUUID();
/** IAM access key IDs: AKIA for long-term keys, ASIA for temporary ones; 20 characters. */
export const accessKeyId = (): string => upperId('AKIA', 20);
export const sessionKeyId = (): string => upperId('ASIA', 20);
export const userId = (): string => upperId('AIDA', 21);
export const groupId = (): string => upperId('AGPA', 21);
export const secretKey = (): string =>
  randomBytes(30)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x');
export const sessionToken = (): string => randomBytes(96).toString('base64');
export const ec2InstanceId = (): string => `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
export const vpcId = (): string => `vpc-${randomBytes(9).toString('hex').slice(0, 17)}`;
export const requestId = (): string => randomUUID();
/** SSM managed node IDs: `mi-` and 17 hex digits. */
export const managedInstanceId = (): string => `mi-${randomBytes(9).toString('hex').slice(0, 17)}`;
/** SSM activation codes: 20 characters of base64's alphabet, as AWS hands them out. */
export const activationCode = (): string => randomBytes(15).toString('base64');
