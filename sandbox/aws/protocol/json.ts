import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HttpReply } from '../types.js';

/** AWS JSON 1.1 (OpsWorks): results as JSON, errors named by `__type` and `x-amzn-ErrorType`. */
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** A JSON 1.1 request's body: an object, or the SerializationException AWS answers. */
export function jsonInput(req: AwsRequest): Record<string, unknown> {
  let input: unknown;
  try {
    input = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new AwsServiceError('SerializationException', 'Request body is not valid JSON', 400);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new AwsServiceError('SerializationException', 'Request body must be a JSON object', 400);
  }
  return input as Record<string, unknown>;
}

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
