import type { PolicyDocument } from './policy.js';

/**
 * The AWS managed policies the sandbox knows, by ARN. Attaching any other
 * `arn:aws:iam::aws:policy/...` fails with NoSuchEntity, as IAM does for a
 * policy that does not exist.
 */
export const REGISTRATION_POLICY_ARN = 'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration';

const opsworksCli = [
  'opsworks:AssignInstance',
  'opsworks:CreateLayer',
  'opsworks:DeregisterInstance',
  'opsworks:DescribeInstances',
  'opsworks:DescribeStackProvisioningParameters',
  'opsworks:DescribeStacks',
  'opsworks:UnassignInstance',
  'ec2:DescribeInstances',
];

export const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  [REGISTRATION_POLICY_ARN]: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'opsworks:DescribeStackProvisioningParameters',
          'opsworks:DescribeStacks',
          'opsworks:RegisterInstance',
        ],
        Resource: '*',
      },
    ],
  },
  'arn:aws:iam::aws:policy/AdministratorAccess': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
  'arn:aws:iam::aws:policy/AWSOpsWorksRegisterCLI_EC2': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: opsworksCli, Resource: '*' }],
  },
  'arn:aws:iam::aws:policy/AWSOpsWorksRegisterCLI_OnPremises': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: opsworksCli, Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['iam:CreateGroup', 'iam:AddUserToGroup'],
        Resource: 'arn:aws:iam::*:group/AWS/OpsWorks/OpsWorks-*',
      },
      {
        Effect: 'Allow',
        Action: ['iam:CreateUser', 'iam:CreateAccessKey'],
        Resource: 'arn:aws:iam::*:user/AWS/OpsWorks/OpsWorks-*',
      },
      {
        Effect: 'Allow',
        Action: 'iam:AttachUserPolicy',
        Resource: 'arn:aws:iam::*:user/AWS/OpsWorks/OpsWorks-*',
        Condition: { ArnEquals: { 'iam:PolicyARN': REGISTRATION_POLICY_ARN } },
      },
    ],
  },
};

export function managedPolicyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
