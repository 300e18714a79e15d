import type { AwsServiceError } from '../service-error.js';
import type { HttpReply } from '../types.js';
import { el, txt, XML_DECL } from './xml.js';

/** EC2's query dialect: lowercase element names, `<item>` lists, errors under `<Response><Errors>`. */
export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function ec2Reply(action: string, inner: string, requestId: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `${XML_DECL}<${action}Response xmlns="${EC2_XMLNS}">${txt('requestId', requestId)}${inner}</${action}Response>`,
  };
}

export function ec2Error(error: AwsServiceError, requestId: string): HttpReply {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `${XML_DECL}<Response>${el('Errors', el('Error', txt('Code', error.code) + txt('Message', error.message)))}${txt('RequestID', requestId)}</Response>`,
  };
}
