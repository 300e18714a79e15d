import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Vars } from '../inventory/types.js';

/** ansible-playbook's connection and privilege flags, shared by `runner play` and `runner run`. */
export interface ConnectionFlags {
  user?: string;
  privateKey?: string;
  connection?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
}

/**
 * `-c` was the config file before it became Ansible's `--connection`: a value
 * that looks like a path gets a hint instead of "unknown connection kind".
 */
export function connectionKindArg(value: string): string {
  if (/[/\\]|\.(json|ya?ml|[cm]?[jt]s|rc)$|^\./.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" looks like a file: -c is --connection (ssh, local) as in ansible-playbook; name a config file with --config ${value}`,
    );
  }
  return value;
}

export function addConnectionFlags(command: Command): Command {
  return command
    .option('-u, --user <user>', 'connect as this user (inventory ansible_user wins, as in Ansible)')
    .option('--private-key <file>', 'use this private key file (ansible_ssh_private_key_file wins)')
    .option(
      '-c, --connection <kind>',
      'connection kind: ssh or local (ansible_connection wins)',
      connectionKindArg,
    )
    .option('-b, --become', 'run tasks with privilege escalation')
    .option('--become-user <user>', 'user to become (default root)')
    .addOption(
      new Option('--become-method <method>', 'how to become (default sudo)').choices(['sudo', 'su']),
    );
}

/**
 * The flags as Ansible treats them: command-line defaults for the play
 * context, beneath every inventory, play and task value (`-u` loses to
 * `ansible_user` in the inventory). They become the lowest layer of host vars.
 */
export function connectionFlagVars(flags: ConnectionFlags): Vars {
  const vars: Vars = {};
  if (flags.user !== undefined) vars.ansible_user = flags.user;
  if (flags.privateKey !== undefined) vars.ansible_ssh_private_key_file = flags.privateKey;
  if (flags.connection !== undefined) vars.ansible_connection = flags.connection;
  if (flags.become) vars.ansible_become = true;
  if (flags.becomeUser !== undefined) vars.ansible_become_user = flags.becomeUser;
  if (flags.becomeMethod !== undefined) vars.ansible_become_method = flags.becomeMethod;
  return vars;
}
