import type { IncomingHttpHeaders } from 'node:http';

/** The services the sandbox speaks, named as in a SigV4 credential scope. */
export const AWS_SERVICES = ['opsworks', 'iam', 's3', 'ec2', 'sts', 'ssm'] as const;
export type AwsService = (typeof AWS_SERVICES)[number];

/** Who signed a request. */
export type Principal =
  | { kind: 'operator'; accessKeyId: string; arn: string; userId: string }
  | { kind: 'user'; accessKeyId: string; arn: string; userId: string; userName: string }
  | { kind: 'role'; accessKeyId: string; arn: string; userId: string; roleArn: string; instanceId: string }
  | { kind: 'anonymous' };

/** A request after transport and authentication, as a service handler sees it. */
export interface AwsRequest {
  service: AwsService;
  method: string;
  /** Decoded path, e.g. `/bucket/my key`. */
  path: string;
  /** Decoded query parameters (the last value wins for repeated names). */
  query: Map<string, string>;
  headers: IncomingHttpHeaders;
  /** The payload with any aws-chunked framing removed. */
  body: Buffer;
  principal: Principal;
  requestId: string;
  /** The sandbox clock, in ms since the epoch. */
  now: number;
}

/** A fixed-shape HTTP reply every handler returns. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** What a handler reports for the call log, besides its reply. */
export interface HandledCall {
  operation: string;
  reply: HttpReply;
  /** Whether the state changed (the server persists it then). */
  mutated: boolean;
}
