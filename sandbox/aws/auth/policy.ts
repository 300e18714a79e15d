/**
 * A small IAM policy evaluator: enough of the real rules for the policies the
 * register flow makes (the managed registration policy, and an inline policy
 * allowing opsworks:RegisterInstance on one stack until a `DateLessThan
 * aws:CurrentTime` deadline). Explicit Deny wins, then any Allow, else the
 * implicit deny. Unknown condition operators never match, so an unsupported
 * policy fails closed.
 */
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

export interface RequestFacts {
  action: string;
  resource: string;
  /** Sandbox clock, ms since the epoch (aws:CurrentTime). */
  now: number;
  /** Further context keys, e.g. `iam:PolicyARN`. */
  context?: Record<string, string>;
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function globMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    caseInsensitive ? 'i' : '',
  );
  return re.test(value);
}

function conditionHolds(condition: PolicyStatement['Condition'], facts: RequestFacts): boolean {
  if (!condition) return true;
  for (const [operator, entries] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual =
        key.toLowerCase() === 'aws:currenttime' ? new Date(facts.now).toISOString() : facts.context?.[key];
      if (actual === undefined) return false;
      const values = list(expected);
      if (!values.some((v) => compare(operator, actual, v))) return false;
    }
  }
  return true;
}

function compare(operator: string, actual: string, expected: string): boolean {
  const dates = () => [Date.parse(actual), Date.parse(expected)] as const;
  switch (operator) {
    case 'DateLessThan': {
      const [a, e] = dates();
      return a < e;
    }
    case 'DateLessThanEquals': {
      const [a, e] = dates();
      return a <= e;
    }
    case 'DateGreaterThan': {
      const [a, e] = dates();
      return a > e;
    }
    case 'DateGreaterThanEquals': {
      const [a, e] = dates();
      return a >= e;
    }
    case 'StringEquals':
    case 'ArnEquals':
      return actual === expected;
    case 'StringLike':
    case 'ArnLike':
      return globMatch(expected, actual, false);
    default:
      return false;
  }
}

function statementApplies(s: PolicyStatement, facts: RequestFacts): boolean {
  const actionMatches =
    s.NotAction !== undefined
      ? !list(s.NotAction).some((a) => globMatch(a, facts.action, true))
      : list(s.Action).some((a) => globMatch(a, facts.action, true));
  if (!actionMatches) return false;
  const resources = s.Resource === undefined ? ['*'] : list(s.Resource);
  if (!resources.some((r) => globMatch(r, facts.resource, false))) return false;
  return conditionHolds(s.Condition, facts);
}

export function evaluate(documents: PolicyDocument[], facts: RequestFacts): Decision {
  let allowed = false;
  for (const doc of documents) {
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    for (const s of statements) {
      if (!statementApplies(s, facts)) continue;
      if (s.Effect === 'Deny') return 'deny';
      if (s.Effect === 'Allow') allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** Parses a policy document's JSON; returns undefined when it is not a policy. */
export function parsePolicy(json: string): PolicyDocument | undefined {
  try {
    const doc = JSON.parse(json) as PolicyDocument;
    if (!doc || typeof doc !== 'object' || doc.Statement === undefined) return undefined;
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    if (!statements.every((s) => s && (s.Effect === 'Allow' || s.Effect === 'Deny'))) return undefined;
    return doc;
  } catch {
    return undefined;
  }
}
