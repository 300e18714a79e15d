import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Sandbox } from '../../../../sandbox/index.js';

/**
 * The agent's RegisterManagedInstance as the real agent sends it: unsigned
 * AWS JSON 1.1 (the SDK has no command for it; only the agent calls it), with
 * the sandbox's host header when a host is named.
 */
export async function registerManagedInstance(
  sb: Sandbox,
  activation: { ActivationId?: string; ActivationCode?: string },
  host?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const response = await fetch(`${sb.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.RegisterManagedInstance',
      ...(host ? { 'x-runner-sandbox-host': host } : {}),
    },
    body: JSON.stringify({
      ActivationCode: activation.ActivationCode,
      ActivationId: activation.ActivationId,
      PublicKey: publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
      PublicKeyType: 'Rsa',
      Fingerprint: randomUUID(),
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
