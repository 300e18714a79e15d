/**
 * The instance identity document of the machine runner runs on, through
 * IMDSv2 (a session token first; the AWS CLI used IMDSv1). Only for local
 * mode with the ec2 class: the instance's region must be the stack's.
 */
export async function identityDocument(
  endpoint = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? 'http://169.254.169.254',
  timeoutMs = 2000,
): Promise<{ region: string; instanceId: string }> {
  const base = endpoint.replace(/\/$/, '');
  const signal = AbortSignal.timeout(timeoutMs);
  const token = await fetch(`${base}/latest/api/token`, {
    method: 'PUT',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
    signal,
  });
  if (!token.ok) throw new Error(`IMDSv2 refused a token (HTTP ${token.status})`);
  const doc = await fetch(`${base}/latest/dynamic/instance-identity/document`, {
    headers: { 'x-aws-ec2-metadata-token': await token.text() },
    signal,
  });
  if (!doc.ok) throw new Error(`IMDSv2 identity document: HTTP ${doc.status}`);
  const parsed = (await doc.json()) as { region?: string; instanceId?: string };
  if (!parsed.region || !parsed.instanceId)
    throw new Error('IMDSv2 identity document lacks region or instanceId');
  return { region: parsed.region, instanceId: parsed.instanceId };
}
