import type { KeyObject } from 'node:crypto';
import type { FaultController } from '../faults.js';
import type { AwsState } from '../state/model.js';

/** An EC2-class sandbox host as the EC2 API and the metadata service describe it. */
export interface Ec2Host {
  name: string;
  instanceId: string;
  vpcId: string;
  subnetId: string;
  availabilityZone: string;
  privateIp: string;
  publicIp: string;
  launchTime: string;
}

/** A sandbox host as the SSM service sees it: where its agent's files live and whether it answers. */
export interface SandboxHostView {
  name: string;
  address: string;
  root: string;
  /** Listening, and not vanished. */
  up: boolean;
}

/** One command line a sandbox host ran (exec request, shell line, or sudo). */
export interface CommandRecord {
  host: string;
  kind: 'exec' | 'shell' | 'sudo' | 'subsystem';
  command: string;
  at: string;
}

/** One API call, for tests that count calls (e.g. "DescribeStacks once per play"). */
export interface CallRecord {
  service: string;
  operation: string;
  caller: string;
  status: number;
  error?: string;
  /** How the payload was signed when not by its SHA-256: `UNSIGNED-PAYLOAD`, `STREAMING-...`. */
  payloadSigning?: string;
  at: string;
}

/** Everything the service handlers share: state, identity, knobs and the clock. */
export interface AwsContext {
  state: AwsState;
  region: string;
  accountId: string;
  operator: { accessKeyId: string; secretAccessKey: string; arn: string; userId: string };
  /** The endpoint's base URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: () => string;
  faults: FaultController;
  clock: () => number;
  registrationDelayMs: number;
  ec2Hosts: () => Ec2Host[];
  /** Every sandbox host (SSM derives a node's PingStatus from its host). */
  sandboxHosts: () => SandboxHostView[];
  installerBucket: string;
  /** Where the SSM agent package is served, public-read like AWS's `amazon-ssm-<region>`. */
  ssmAgentBucket: string;
  assetsBucket: string;
  installerKey: string;
  /** The installer tarball, served from the installer bucket (not part of the persisted state). */
  installer: () => Buffer;
  charliePublicKey: string;
  /** Signs and checks EC2 instance identity documents. */
  identityKeys: { privateKey: KeyObject; publicKey: KeyObject };
  instanceRole: { name: string; arn: string };
  reportedOs: { Family: string; Name: string; Version: string };
  calls: CallRecord[];
  /** Every secret key CreateAccessKey and activation code CreateActivation handed out, deleted ones too: tests look for them where no secret may be. */
  issuedSecrets: string[];
}
