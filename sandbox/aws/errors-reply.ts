import { IAM_XMLNS } from './iam/service.js';
import { ec2Error } from './protocol/ec2.js';
import { jsonError } from './protocol/json.js';
import { queryError } from './protocol/query.js';
import { s3Error } from './protocol/s3.js';
import { AwsServiceError } from './service-error.js';
import { STS_XMLNS } from './sts/service.js';
import type { AwsService, HttpReply } from './types.js';

/** Any thrown value as the service's own error response; unexpected errors become InternalFailure (500). */
export function errorReply(
  service: AwsService,
  error: unknown,
  requestId: string,
  method: string,
): HttpReply {
  const e =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError(
          service === 's3' ? 'InternalError' : service === 'ssm' ? 'InternalServerError' : 'InternalFailure',
          `The sandbox failed to process the request: ${error instanceof Error ? error.message : String(error)}`,
          500,
        );
  switch (service) {
    case 'opsworks':
    case 'ssm':
      return jsonError(e, requestId);
    case 'iam':
      return queryError(e, IAM_XMLNS, requestId);
    case 'sts':
      return queryError(e, STS_XMLNS, requestId);
    case 'ec2':
      return ec2Error(e, requestId);
    case 's3':
      return s3Error(e, requestId, method);
  }
}

/** The throttling error each service really returns. */
export function throttled(service: AwsService): AwsServiceError {
  switch (service) {
    case 'opsworks':
    case 'ssm':
      return new AwsServiceError('ThrottlingException', 'Rate exceeded', 400);
    case 'iam':
    case 'sts':
      return new AwsServiceError('Throttling', 'Rate exceeded', 400);
    case 's3':
      return new AwsServiceError('SlowDown', 'Please reduce your request rate.', 503);
    case 'ec2':
      return new AwsServiceError('RequestLimitExceeded', 'Request limit exceeded.', 503);
  }
}
