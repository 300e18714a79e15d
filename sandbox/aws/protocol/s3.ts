import type { AwsServiceError } from '../service-error.js';
import type { HttpReply } from '../types.js';
import { el, txt, XML_DECL } from './xml.js';

/** S3's REST-XML: errors are a bare `<Error>`; HEAD responses carry no body at all. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function s3Error(error: AwsServiceError, requestId: string, method: string): HttpReply {
  const headers: Record<string, string> = { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId };
  if (method === 'HEAD') return { status: error.status, headers, body: '' };
  const extra = Object.entries(error.extra)
    .map(([k, v]) => txt(k, v))
    .join('');
  return {
    status: error.status,
    headers: { ...headers, 'content-type': 'application/xml' },
    body: `${XML_DECL}${el('Error', txt('Code', error.code) + txt('Message', error.message) + extra + txt('RequestId', requestId))}`,
  };
}

export function s3Xml(body: string, requestId: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': requestId },
    body: `${XML_DECL}${body}`,
  };
}
