import type { AwsServiceError } from '../service-error.js';
import type { HttpReply } from '../types.js';

/** AWS JSON 1.1 (OpsWorks): results as JSON, errors named by `__type` and `x-amzn-ErrorType`. */
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function jsonReply(result: unknown, requestId: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(result ?? {}),
  };
}

export function jsonError(error: AwsServiceError, requestId: string): HttpReply {
  return {
    status: error.status,
    headers: {
      'content-type': CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.code,
    },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}
