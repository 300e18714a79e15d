import { AwsServiceError } from '../service-error.js';
import type { AwsService } from '../types.js';

/**
 * Authentication failures, worded and coded per service as AWS does: OpsWorks
 * and SSM (JSON) says UnrecognizedClientException / InvalidSignatureException, IAM and
 * STS say InvalidClientTokenId / SignatureDoesNotMatch, S3 says
 * InvalidAccessKeyId / SignatureDoesNotMatch, EC2 says AuthFailure for both.
 */
export type AuthFailure = 'unknown-key' | 'bad-signature' | 'missing' | 'expired' | 'wrong-region';

const SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const TOKEN_MESSAGE = 'The security token included in the request is invalid.';

export function authError(service: AwsService, failure: AuthFailure, detail = ''): AwsServiceError {
  const e = (code: string, message: string, status: number) => new AwsServiceError(code, message, status);
  switch (service) {
    case 'opsworks':
    case 'ssm':
      if (failure === 'unknown-key') return e('UnrecognizedClientException', TOKEN_MESSAGE, 400);
      if (failure === 'missing')
        return e('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
      return e('InvalidSignatureException', detail || SIGNATURE_MESSAGE, 400);
    case 'iam':
    case 'sts':
      if (failure === 'unknown-key') return e('InvalidClientTokenId', TOKEN_MESSAGE, 403);
      if (failure === 'missing')
        return e('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      return e('SignatureDoesNotMatch', detail || SIGNATURE_MESSAGE, 403);
    case 's3':
      if (failure === 'unknown-key') {
        return e(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
          403,
        );
      }
      if (failure === 'expired')
        return e(
          detail.startsWith('Request has expired') ? 'AccessDenied' : 'RequestTimeTooSkewed',
          detail,
          403,
        );
      if (failure === 'wrong-region') return e('AuthorizationHeaderMalformed', detail, 400);
      if (failure === 'missing') return e('AccessDenied', 'Access Denied', 403);
      return e('SignatureDoesNotMatch', SIGNATURE_MESSAGE, 403);
    case 'ec2':
      if (failure === 'expired') return e('RequestExpired', detail, 400);
      if (failure === 'missing')
        return e('MissingAuthenticationToken', 'Request is missing Authentication Token', 401);
      return e('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
  }
}
