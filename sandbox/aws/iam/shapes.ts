import type { AccessKeyRecord, IamGroup, IamUser } from '../../state/model.js';
import { txt } from '../protocol/xml.js';

/** IAM records as the query protocol's XML. */
export function userXml(u: Pick<IamUser, 'Path' | 'UserName' | 'UserId' | 'Arn' | 'CreateDate'>): string {
  return (
    txt('Path', u.Path) +
    txt('UserName', u.UserName) +
    txt('UserId', u.UserId) +
    txt('Arn', u.Arn) +
    txt('CreateDate', u.CreateDate)
  );
}

export function groupXml(g: IamGroup): string {
  return (
    txt('Path', g.Path) +
    txt('GroupName', g.GroupName) +
    txt('GroupId', g.GroupId) +
    txt('Arn', g.Arn) +
    txt('CreateDate', g.CreateDate)
  );
}

export function accessKeyXml(k: AccessKeyRecord, withSecret: boolean): string {
  return (
    txt('UserName', k.UserName) +
    txt('AccessKeyId', k.AccessKeyId) +
    txt('Status', k.Status) +
    (withSecret ? txt('SecretAccessKey', k.SecretAccessKey) : '') +
    txt('CreateDate', k.CreateDate)
  );
}

export function truncation(truncated: boolean, marker?: string): string {
  return txt('IsTruncated', truncated) + (marker ? txt('Marker', marker) : '');
}
