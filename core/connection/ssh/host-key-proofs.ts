import type { Client } from 'ssh2';

/** What OpenSSH's sshd sends after login, listing every host key it has (for OpenSSH's UpdateHostKeys). */
const HOSTKEYS_ANNOUNCEMENT = 'hostkeys-00@openssh.com';

type GlobalRequestHandler = (protocol: unknown, name: string, wantReply: boolean, data: unknown) => void;
interface Ssh2Internals {
  _protocol?: { _handlers?: { GLOBAL_REQUEST?: GlobalRequestHandler }; requestSuccess?: () => void };
}

/**
 * Declines OpenSSH's host key announcement instead of asking the server to
 * prove every key in it. ssh2 answers each announcement with
 * `hostkeys-prove-00@openssh.com`: sshd then signs with every host key it has
 * (an RSA signature costs the host milliseconds of CPU) and the client checks
 * each signature, on every connection, for a list runner never uses: it does
 * not rewrite known_hosts from it (ssh(1) does so only with UpdateHostKeys).
 * ssh2 has no option for this, so its handler for that one request is
 * wrapped (call right after `client.connect`, which builds the protocol);
 * every other global request still reaches ssh2. Where ssh2's internals have
 * another shape, nothing is wrapped and ssh2 asks for the proofs as before.
 */
export function declineHostKeyProofs(client: Client): void {
  const protocol = (client as unknown as Ssh2Internals)._protocol;
  const handlers = protocol?._handlers;
  const ssh2Handler = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof ssh2Handler !== 'function' || typeof protocol?.requestSuccess !== 'function')
    return;
  handlers.GLOBAL_REQUEST = (self, name, wantReply, data) => {
    if (name !== HOSTKEYS_ANNOUNCEMENT) return ssh2Handler(self, name, wantReply, data);
    // sshd asks no reply (OpenSSH sends it with want-reply false); answer as ssh2 would if one is asked.
    if (wantReply) protocol.requestSuccess?.();
  };
}
