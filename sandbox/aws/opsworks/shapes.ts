import type { Layer, OpsInstance, Stack } from '../../state/model.js';

/** The API shapes of our records (internal fields dropped). */
export function stackShape(s: Stack): Record<string, unknown> {
  return {
    StackId: s.StackId,
    Name: s.Name,
    Arn: s.Arn,
    Region: s.Region,
    ...(s.VpcId ? { VpcId: s.VpcId } : {}),
    ServiceRoleArn: s.ServiceRoleArn,
    DefaultInstanceProfileArn: s.DefaultInstanceProfileArn,
    DefaultOs: s.DefaultOs,
    CreatedAt: s.CreatedAt,
    UseCustomCookbooks: false,
    UseOpsworksSecurityGroups: true,
  };
}

export function layerShape(l: Layer): Record<string, unknown> {
  return {
    LayerId: l.LayerId,
    StackId: l.StackId,
    Arn: l.Arn,
    Type: l.Type,
    Name: l.Name,
    Shortname: l.Shortname,
    CreatedAt: l.CreatedAt,
  };
}

export function instanceShape(i: OpsInstance): Record<string, unknown> {
  const { pending: _pending, RsaPublicKeyFingerprint, ...rest } = i;
  return {
    ...rest,
    ...(RsaPublicKeyFingerprint ? { SshHostRsaKeyFingerprint: RsaPublicKeyFingerprint } : {}),
    Os: 'Other Linux',
    Architecture: 'x86_64',
    AgentVersion: 'INHERIT',
  };
}
