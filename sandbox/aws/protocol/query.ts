import type { AwsServiceError } from '../service-error.js';
import type { HttpReply } from '../types.js';
import { el, txt, XML_DECL } from './xml.js';

/**
 * The AWS Query protocol (IAM, STS): form-encoded requests, XML responses
 * wrapped in `<ActionResponse><ActionResult>`, errors in `<ErrorResponse>`.
 */
export function queryReply(
  action: string,
  xmlns: string,
  result: string | undefined,
  requestId: string,
): HttpReply {
  const inner = result === undefined ? '' : el(`${action}Result`, result);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `${XML_DECL}<${action}Response xmlns="${xmlns}">${inner}${el('ResponseMetadata', txt('RequestId', requestId))}</${action}Response>`,
  };
}

export function queryError(error: AwsServiceError, xmlns: string, requestId: string): HttpReply {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `${XML_DECL}<ErrorResponse xmlns="${xmlns}">${el(
      'Error',
      txt('Type', error.fault) + txt('Code', error.code) + txt('Message', error.message),
    )}${txt('RequestId', requestId)}</ErrorResponse>`,
  };
}

/** Reads `Prefix.member.N` (IAM) or `Prefix.N` (EC2) lists out of decoded parameters. */
export function listParam(params: Map<string, string>, prefix: string): string[] {
  const out: Array<[number, string]> = [];
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (m) out.push([Number(m[1]), v]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
