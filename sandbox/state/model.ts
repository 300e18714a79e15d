/**
 * Everything the sandbox's AWS endpoint remembers, as plain JSON-able data so
 * it can be persisted to a directory and reloaded as is.
 */

export type OpsWorksStatus =
  | 'registering'
  | 'running_setup'
  | 'registered'
  | 'setup_failed'
  | 'assigning'
  | 'online'
  | 'connection_lost'
  | 'stopped';

export interface Stack {
  StackId: string;
  Name: string;
  Arn: string;
  Region: string;
  VpcId?: string;
  ServiceRoleArn: string;
  DefaultInstanceProfileArn: string;
  DefaultOs: string;
  CreatedAt: string;
}

export interface Layer {
  LayerId: string;
  StackId: string;
  Arn: string;
  Type: string;
  Name: string;
  Shortname: string;
  CreatedAt: string;
}

/** A status change that takes effect at `at` (sandbox clock, ms). */
export interface PendingStatus {
  status: OpsWorksStatus;
  at: number;
}

export interface OpsInstance {
  InstanceId: string;
  StackId: string;
  Arn: string;
  Hostname: string;
  Status: OpsWorksStatus;
  InfrastructureClass: 'ec2' | 'on-premises';
  RegisteredBy: string;
  Ec2InstanceId?: string;
  PrivateIp?: string;
  PublicIp?: string;
  RsaPublicKeyFingerprint?: string;
  ReportedOs: { Family: string; Name: string; Version: string };
  LayerIds: string[];
  CreatedAt: string;
  pending: PendingStatus[];
}

export interface IamUser {
  UserName: string;
  UserId: string;
  Path: string;
  Arn: string;
  CreateDate: string;
  attachedPolicies: string[];
  inlinePolicies: Record<string, string>;
  groups: string[];
}

export interface IamGroup {
  GroupName: string;
  GroupId: string;
  Path: string;
  Arn: string;
  CreateDate: string;
}

export interface AccessKeyRecord {
  AccessKeyId: string;
  SecretAccessKey: string;
  UserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
}

/** Temporary credentials an EC2-class host's metadata service handed out. */
export interface RoleSession {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: number;
  instanceId: string;
}

export interface S3Object {
  body: string;
  etag: string;
  contentType: string;
  lastModified: string;
}

export interface S3Bucket {
  createdAt: string;
  objects: Record<string, S3Object>;
}

export interface SsmTag {
  Key: string;
  Value: string;
}

/** A hybrid activation. The code itself is never stored: only its SHA-256, which registration checks. */
export interface SsmActivation {
  ActivationId: string;
  codeSha256: string;
  Description?: string;
  DefaultInstanceName?: string;
  IamRole: string;
  RegistrationLimit: number;
  RegistrationsCount: number;
  /** ms since the epoch (sandbox clock). */
  ExpirationDate: number;
  CreatedDate: number;
  Tags: SsmTag[];
}

/** A managed node (`mi-…`) registered with an activation. */
export interface SsmNode {
  InstanceId: string;
  ActivationId: string;
  IamRole: string;
  Name?: string;
  /** The sandbox host whose agent registered (its name), when the agent said. */
  host?: string;
  ComputerName?: string;
  IPAddress?: string;
  PublicKey: string;
  PublicKeyType: string;
  Fingerprint: string;
  RegistrationDate: number;
  Tags: SsmTag[];
}

export interface SsmState {
  activations: Record<string, SsmActivation>;
  nodes: Record<string, SsmNode>;
}

export interface AwsState {
  version: 1;
  stacks: Record<string, Stack>;
  layers: Record<string, Layer>;
  instances: Record<string, OpsInstance>;
  users: Record<string, IamUser>;
  groups: Record<string, IamGroup>;
  accessKeys: Record<string, AccessKeyRecord>;
  roleSessions: Record<string, RoleSession>;
  buckets: Record<string, S3Bucket>;
  /** Absent in state files written before the sandbox spoke SSM. */
  ssm: SsmState;
}

export function emptyAwsState(): AwsState {
  return {
    version: 1,
    stacks: {},
    layers: {},
    instances: {},
    users: {},
    groups: {},
    accessKeys: {},
    roleSessions: {},
    buckets: {},
    ssm: { activations: {}, nodes: {} },
  };
}
