import { AwsServiceError } from '../service-error.js';

/** IAM's error codes and statuses, as the SDK maps them to exception classes. */
export const noSuchEntity = (message: string) => new AwsServiceError('NoSuchEntity', message, 404);
export const alreadyExists = (message: string) => new AwsServiceError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => new AwsServiceError('DeleteConflict', message, 409);
export const limitExceeded = (message: string) => new AwsServiceError('LimitExceeded', message, 409);
export const validationError = (message: string) => new AwsServiceError('ValidationError', message, 400);
export const malformedPolicy = (message: string) =>
  new AwsServiceError('MalformedPolicyDocument', message, 400);
