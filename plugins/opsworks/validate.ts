/**
 * The AWS CLI's validation of `aws opsworks register`, rule by rule and in
 * its order (shared/reference/opsworks-register.md, "Validation"), applied to
 * one host. Pure: the first rule that fails gives the reason, as the CLI's
 * ValueError does.
 */
export interface RegisterArgs {
  /** The positional target: EC2 instance ID, IP address or hostname / Name tag. */
  target?: string;
  local: boolean;
  infrastructureClass: 'ec2' | 'on-premises';
  hostname?: string;
  privateIp?: string;
  publicIp?: string;
  /** A whole ssh command (`--override-ssh`). */
  overrideSsh?: string;
  sshUsername?: string;
  sshPrivateKey?: string;
  useInstanceProfile: boolean;
  /** process.platform of the machine that `local` would register. */
  platform: string;
}

/** `^(?!-)[a-z0-9-]{1,63}(?<!-)$`, case-insensitive. */
export const HOSTNAME_RE = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** The reason the CLI would refuse these arguments, or undefined when they pass. */
export function validateRegisterArgs(args: RegisterArgs): string | undefined {
  if (!args.target && !args.local) return 'One of target or --local is required.';
  if (args.target && args.local) return 'Argument --local is mutually exclusive with target.';
  if (args.local && args.platform !== 'linux')
    return 'Non-Linux instances are not supported by AWS OpsWorks.';
  if (args.overrideSsh && (args.sshUsername || args.sshPrivateKey)) {
    return 'Argument --override-ssh cannot be used together with --ssh-username or --ssh-private-key.';
  }
  if (args.infrastructureClass === 'ec2') {
    if (args.privateIp) return '--override-private-ip is not supported for EC2.';
    if (args.publicIp) return '--override-public-ip is not supported for EC2.';
  }
  if (args.infrastructureClass === 'on-premises' && args.useInstanceProfile) {
    return '--use-instance-profile is only supported for EC2.';
  }
  if (args.hostname !== undefined && !HOSTNAME_RE.test(args.hostname)) {
    return `Invalid hostname: '${args.hostname}'. Hostnames must consist of letters, digits and dashes only and must not start or end with a dash.`;
  }
  return undefined;
}

/** Flow step 3: a hostname override must not be taken in the stack (compared lower-cased). */
export function hostnameTakenReason(hostname: string, existing: { Hostname?: string }[]): string | undefined {
  const wanted = hostname.toLowerCase();
  return existing.some((i) => (i.Hostname ?? '').toLowerCase() === wanted)
    ? `Invalid hostname: '${hostname}'. Hostnames must be unique within a stack.`
    : undefined;
}
