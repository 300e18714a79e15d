/**
 * An error as an AWS service reports it: a wire code (`ValidationException`,
 * `NoSuchEntity`, ...), an HTTP status and a message. Each protocol writer
 * turns it into that service's error body so the SDKs parse the same `name`
 * they would from AWS.
 */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Query-protocol fault type: `Sender` (client error) or `Receiver` (server error). */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
    /** Extra elements some S3 errors carry (`Key`, `BucketName`). */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function awsError(code: string, message: string, status = 400): AwsServiceError {
  return new AwsServiceError(code, message, status);
}
