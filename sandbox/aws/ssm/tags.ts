import type { SsmTag } from '../../state/model.js';
import { asObject, type Checks, type Input, ssmError, TAG_PATTERN } from './validate.js';

/** Tag lists as SSM reads them, and the per-resource limit AddTagsToResource enforces. */
export const MAX_TAGS_PER_RESOURCE = 50;

export function readTags(
  checks: Checks,
  input: Input,
  name: string,
  path: string,
  required: boolean,
): SsmTag[] {
  const list = checks.list(input, name, path, { required, max: 1000 }) ?? [];
  return list.map((raw, i) => {
    const tag = asObject(raw, 'Tag');
    const at = `${path}.${i + 1}.member`;
    const Key = checks.string(tag, 'Key', `${at}.key`, {
      required: true,
      min: 1,
      max: 128,
      pattern: TAG_PATTERN,
    });
    const Value = checks.string(tag, 'Value', `${at}.value`, {
      required: true,
      max: 256,
      pattern: TAG_PATTERN,
    });
    return { Key: Key ?? '', Value: Value ?? '' };
  });
}

/** Adds or overwrites tags by key; more than 50 on the resource is TooManyTagsError and changes nothing. */
export function mergeTags(current: SsmTag[], added: SsmTag[]): SsmTag[] {
  const byKey = new Map(current.map((t) => [t.Key, t.Value]));
  for (const t of added) byKey.set(t.Key, t.Value);
  if (byKey.size > MAX_TAGS_PER_RESOURCE) {
    throw ssmError(
      'TooManyTagsError',
      `The resource would have ${byKey.size} tags; a resource can have at most ${MAX_TAGS_PER_RESOURCE}`,
    );
  }
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}
