import { localConnectionFactory, sshConnectionFactory } from '../../core/connection/index.js';
import { definePlugin } from '../../core/plugin/define-plugin.js';

/** The `ssh` and `local` connection kinds, contributed like any plugin's. */
export default definePlugin({
  name: 'connections',
  description: 'Connection kinds: ssh (OpenSSH-compatible, over ssh2) and local.',
  connections: [sshConnectionFactory, localConnectionFactory],
});
