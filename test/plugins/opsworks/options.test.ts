import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRegisterOptions } from '../../../plugins/opsworks/options.js';

/** Host vars as the inventory loader reads them: YAML 1.1, as Ansible does. */
const yaml = (text: string) => parse(text, { version: '1.1' }) as Record<string, unknown>;
const read = (vars: Record<string, unknown>) =>
  readRegisterOptions({ opsworks_stack_id: 's', ...vars }, 'web05', 'linux');

describe('register options are as strict as the AWS CLI', () => {
  it('an unquoted YAML 1.1 boolean where a string is meant is refused, naming the key', () => {
    const vars = yaml('opsworks_hostname: off');
    expect(vars.opsworks_hostname).toBe(false);
    expect(read(vars)).toEqual({
      ok: false,
      key: 'opsworks_hostname',
      reason:
        'opsworks_hostname must be a string, got the boolean false (YAML 1.1 reads unquoted yes/no/on/off/true/false as booleans): quote it',
    });
    expect(read(yaml('opsworks_hostname: "off"'))).toMatchObject({ ok: true, options: { hostname: 'off' } });
  });

  it('numbers and nulls where a string is meant are refused', () => {
    expect(read(yaml('opsworks_region: 1234'))).toEqual({
      ok: false,
      key: 'opsworks_region',
      reason: 'opsworks_region must be a string, got the number 1234: quote it',
    });
    expect(read(yaml('opsworks_profile:'))).toEqual({
      ok: false,
      key: 'opsworks_profile',
      reason: 'opsworks_profile must be a string, got null (an empty value or ~ in YAML): quote it',
    });
    expect(read(yaml('opsworks_layer_ids: [a, 12]'))).toMatchObject({
      ok: false,
      reason: 'opsworks_layer_ids must list strings, got the number 12',
    });
  });

  it('no silent trimming', () => {
    expect(read({ opsworks_hostname: ' Web05 ' })).toEqual({
      ok: false,
      key: 'opsworks_hostname',
      reason: 'opsworks_hostname has leading or trailing spaces (" Web05 "): remove them',
    });
  });

  it('ansible_connection: local together with an ansible_host is refused with the CLI wording', () => {
    expect(read({ ansible_connection: 'local', ansible_host: '10.0.0.5' })).toEqual({
      ok: false,
      reason: 'Argument --local is mutually exclusive with target.',
    });
    expect(read({ ansible_connection: 'local' })).toMatchObject({ ok: true, options: { local: true } });
  });

  it('choices, booleans and the wait timeout name their key too', () => {
    expect(read({ opsworks_agent_source: 'ftp' })).toEqual({
      ok: false,
      key: 'opsworks_agent_source',
      reason: 'opsworks_agent_source must be one of url, push (got "ftp")',
    });
    expect(read({ opsworks_wait: 'maybe' })).toMatchObject({ ok: false, key: 'opsworks_wait' });
    expect(read({ opsworks_wait_timeout: '-1' })).toMatchObject({ ok: false, key: 'opsworks_wait_timeout' });
  });

  it('numbers stay fine where a number is meant', () => {
    expect(read(yaml('opsworks_wait_timeout: 300'))).toMatchObject({
      ok: true,
      options: { waitTimeoutMs: 300_000 },
    });
  });
});
