import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toAnsibleList } from '../../../core/inventory/format.js';
import { loadInventory, loadYamlOrJson, toPlain } from '../../../core/inventory/index.js';
import { readAwsEc2Config } from '../../../plugins/inventory-aws-ec2/config.js';
import { awsEc2InventorySource } from '../../../plugins/inventory-aws-ec2/index.js';

/** The example inventories users copy must keep loading, and the YAML and INI ones must agree. */
const root = fileURLToPath(new URL('../../../inventories/', import.meta.url));

describe('example inventories', () => {
  it('on-premises.yml and on-premises.ini describe the same fleet', async () => {
    const yml = await loadInventory(['on-premises.yml'], { cwd: root });
    const ini = await loadInventory(['on-premises.ini'], { cwd: root });
    expect(toAnsibleList(yml)).toEqual(toAnsibleList(ini));
    expect(yml.hostVars('db2.dc1.example.com')).toMatchObject({ ansible_port: 2222, opsworks_layer: 'db' });
  });

  it('ec2.aws_ec2.yml is accepted by the aws_ec2 source and its options are valid', () => {
    const file = `${root}ec2.aws_ec2.yml`;
    const text = readFileSync(file, 'utf8');
    expect(awsEc2InventorySource.accepts(file, text)).toBe(true);
    const cfg = readAwsEc2Config(toPlain(loadYamlOrJson(text, file).value), file);
    expect(cfg.regions).toEqual(['eu-west-1']);
    expect(cfg.hostnames[0]).toBe('tag:Name');
  });
});
