import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../../../core/errors.js';
import { definePlugin } from '../../../core/plugin/define-plugin.js';
import { PlayStore } from '../../../core/plugin/play-state.js';
import { PluginRegistry } from '../../../core/plugin/registry.js';
import type { PlayHookContext } from '../../../core/plugin/types.js';

const ctx = (): PlayHookContext => ({
  playbook: 'p',
  play: 'play',
  hosts: [],
  vars: {},
  emit: () => {},
  signal: new AbortController().signal,
  state: new PlayStore(),
});

describe('plugin registry', () => {
  it('lets a later plugin replace a module of the same name', () => {
    const registry = new PluginRegistry();
    registry.register(
      definePlugin({ name: 'a', modules: { hello: { run: async () => ({ changed: false }) } } }),
    );
    registry.register(
      definePlugin({ name: 'b', modules: { hello: { run: async () => ({ changed: true }) } } }),
    );
    expect(registry.modules.get('hello')?.plugin).toBe('b');
  });

  it('refuses a plugin without a name or a module without run()', () => {
    const registry = new PluginRegistry();
    expect(() => registry.register({ name: '' })).toThrow(
      'a plugin must be an object with a non-empty "name"',
    );
    expect(() => registry.register({ name: 'x', modules: { m: {} as never } })).toThrow(
      'plugin "x": module "m" has no run() function',
    );
  });

  it('runs sequential hooks in load order and lets them add play vars', async () => {
    const registry = new PluginRegistry();
    const order: string[] = [];
    registry.register({
      name: 'one',
      hooks: {
        beforePlay: (c) => {
          order.push('one');
          c.vars.x = 1;
        },
      },
    });
    registry.register({
      name: 'two',
      hooks: {
        beforePlay: async (c) => {
          order.push(`two saw ${c.vars.x}`);
        },
      },
    });
    await registry.runHook('beforePlay', ctx());
    expect(order).toEqual(['one', 'two saw 1']);
  });

  it('wraps a throw as PLUGIN_ERROR naming the plugin and the hook', async () => {
    const registry = new PluginRegistry();
    registry.register({
      name: 'broken',
      hooks: {
        afterPlay: () => {
          throw new Error('boom');
        },
      },
    });
    const error = (await registry.runHook('afterPlay', ctx()).catch((e: unknown) => e)) as Error & {
      plugin?: string;
    };
    expect(isRunnerError(error) && error.code).toBe('PLUGIN_ERROR');
    expect(error.message).toBe('plugin "broken" failed in afterPlay: boom');
    expect(error.plugin).toBe('broken');
  });
});
