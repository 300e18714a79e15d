import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import { RunnerError } from '../../errors.js';
import type { Secret } from '../../secret.js';
import { withDecodedSigner } from './key-signer.js';
import type { SshRun } from './options.js';
import type { RunState } from './run-state.js';
import { ssh2 } from './ssh2.js';

/**
 * Everything a handshake needs to authenticate, resolved before the
 * handshake starts so no prompt ever runs inside a connect timeout, and so a
 * passphrase or password is asked once per run rather than once per host.
 */
export interface AuthPlan {
  username: string;
  keys: Array<{ file: string; key: ParsedKey }>;
  agent?: string;
  password?: Secret;
}

export const DEFAULT_IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) =>
  join(homedir(), '.ssh', f),
);

export interface AuthInput {
  user: string;
  privateKeyFile?: string;
  privateKeyPassphrase?: Secret;
  password?: Secret;
}

export async function resolveAuth(input: AuthInput, run: SshRun, state: RunState): Promise<AuthPlan> {
  const keys: AuthPlan['keys'] = [];
  if (input.privateKeyFile) {
    // A key the inventory names must load: a typo should fail loudly, not fall through to a password.
    const key = await loadKey(input.privateKeyFile, input.privateKeyPassphrase, run, state, true);
    if (key) keys.push({ file: input.privateKeyFile, key });
  } else {
    for (const file of DEFAULT_IDENTITY_FILES) {
      const key = await loadKey(file, undefined, run, state, false).catch(() => undefined);
      if (key) keys.push({ file, key });
    }
  }
  let password = input.password;
  if (!password && run.askPassword && run.prompt) {
    const prompt = run.prompt;
    state.password ??= prompt({ kind: 'password', message: 'SSH password: ' });
    password = await state.password;
  }
  const agent = process.env.SSH_AUTH_SOCK || undefined;
  return { username: input.user, keys, agent, password };
}

/** Parses a key file once per run; asks for its passphrase (once) when it is encrypted and none was given. */
function loadKey(
  file: string,
  passphrase: Secret | undefined,
  run: SshRun,
  state: RunState,
  required: boolean,
): Promise<ParsedKey | undefined> {
  let loading = state.keys.get(file);
  if (!loading) {
    loading = parseKeyFile(file, passphrase, run, required);
    state.keys.set(file, loading);
  }
  return loading;
}

async function parseKeyFile(
  file: string,
  passphrase: Secret | undefined,
  run: SshRun,
  required: boolean,
): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    if (!required) return undefined;
    throw new RunnerError('AUTH_FAILED', `cannot read private key ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  let parsed = ssh2().utils.parseKey(data, passphrase?.reveal());
  if (parsed instanceof Error && !passphrase && /passphrase/i.test(parsed.message)) {
    if (!run.prompt) {
      if (!required) return undefined;
      throw new RunnerError('AUTH_FAILED', `private key ${file} is encrypted and no passphrase was given`, {
        file,
      });
    }
    const asked = await run.prompt({
      kind: 'passphrase',
      message: `Enter passphrase for key ${file}: `,
      keyFile: file,
    });
    parsed = ssh2().utils.parseKey(data, asked.reveal());
  }
  if (parsed instanceof Error) {
    const reason = /bad decrypt|integrity|passphrase|decrypt/i.test(parsed.message)
      ? 'incorrect passphrase'
      : 'unsupported or malformed key';
    // ssh2's message is left out: it never holds the passphrase, but the cause keeps it for debugging.
    throw new RunnerError('AUTH_FAILED', `private key ${file}: ${reason}`, { file, cause: parsed });
  }
  return withDecodedSigner(Array.isArray(parsed) ? parsed[0]! : parsed);
}

type NextAuth = AnyAuthMethod;

/**
 * An ssh2 authHandler trying, in order: the key files, the agent, the
 * password, keyboard-interactive answered with the password. It records the
 * method names it tried, for "authentication failed (tried: …)".
 */
export function makeAuthHandler(plan: AuthPlan, tried: string[]): AuthHandlerMiddleware {
  const attempts: Array<{ method: string; auth: NextAuth }> = [];
  const username = plan.username;
  for (const { key } of plan.keys)
    attempts.push({ method: 'publickey', auth: { type: 'publickey', username, key } });
  if (plan.agent)
    attempts.push({ method: 'publickey', auth: { type: 'agent', username, agent: plan.agent } });
  const password = plan.password;
  if (password) {
    attempts.push({ method: 'password', auth: { type: 'password', username, password: password.reveal() } });
    attempts.push({
      method: 'keyboard-interactive',
      auth: {
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => {
          // Answer password-looking prompts only; anything else (an OTP) gets an empty answer and fails.
          finish(prompts.map((p) => (/pass/i.test(p.prompt) ? password.reveal() : '')));
        },
      },
    });
  }
  let next = 0;
  return (methodsLeft, _partial, callback) => {
    while (next < attempts.length) {
      const attempt = attempts[next++];
      const wire = attempt.method as AuthenticationType;
      // Skip what the server has said it will not take (methodsLeft is null before the first reply).
      if (methodsLeft && !methodsLeft.includes(wire)) continue;
      if (!tried.includes(attempt.method)) tried.push(attempt.method);
      callback(attempt.auth);
      return;
    }
    // ssh2 takes `false` for "no more methods"; its types do not say so.
    (callback as (a: NextAuth | false) => void)(false);
  };
}
