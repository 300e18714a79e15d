/**
 * Which files the aws_ec2 inventory source reads: named *aws_ec2.yml or
 * *aws_ec2.yaml, with `plugin: aws_ec2` (or amazon.aws.aws_ec2). Its own
 * file, without imports: the run asks it about every inventory file, and the
 * plugin's code loads only for a file it accepts.
 */
const FILE_NAME = /aws_ec2\.ya?ml$/;
const PLUGIN_LINE = /^plugin:\s*['"]?(?:amazon\.aws\.)?aws_ec2['"]?\s*(?:#.*)?$/m;

export function acceptsAwsEc2Inventory(path: string, head: string): boolean {
  return FILE_NAME.test(path) && PLUGIN_LINE.test(head);
}
