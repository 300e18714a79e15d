import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { assert } from './assert.js';
import { command } from './command.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { file } from './file.js';
import { raw } from './raw.js';
import { script } from './script.js';
import { setFact } from './set-fact.js';
import { setup } from './setup.js';
import { shell } from './shell.js';
import { template } from './template.js';
import { waitFor } from './wait-for.js';

/** The modules every playbook can use, registered like any user plugin. */
export default definePlugin({
  name: 'core-modules',
  description: "Ansible's everyday modules: shell, command, copy, template, file, setup, debug and more.",
  modules: {
    raw,
    shell,
    command,
    setup,
    debug,
    set_fact: setFact,
    fail,
    assert,
    copy,
    template,
    file,
    wait_for: waitFor,
    script,
  } as Record<string, ModuleDefinition<unknown>>,
});
