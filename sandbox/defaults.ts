/**
 * The sandbox's fixed, documented identities. These keys are TEST-ONLY values
 * that unlock nothing but a local sandbox; they are published in
 * docs/sandbox.md on purpose so tests and tutorials can use them.
 */
export const SANDBOX_ACCESS_KEY_ID = 'AKIASANDBOXOPERATOR1';
export const SANDBOX_SECRET_ACCESS_KEY = 'runnerSandboxOperatorSecretKeyTestOnly00';
export const SANDBOX_ACCOUNT_ID = '123456789012';
export const SANDBOX_REGION = 'us-east-1';
export const OPERATOR_USER_NAME = 'runner-sandbox-operator';
export const OPERATOR_USER_ID = 'AIDASANDBOXOPERATOR00';
export const DEFAULT_STACK_NAME = 'runner-sandbox';
export const DEFAULT_LAYER_NAME = 'sandbox';
export const INSTALLER_BUCKET = 'opsworks-instance-agent';
export const ASSETS_BUCKET = 'opsworks-instance-assets';
export const INSTALLER_KEY = 'opsworks-agent-installer.tgz';
export const INSTANCE_ROLE_NAME = 'aws-opsworks-ec2-role';
export const DEFAULT_HOSTS = 4;
export const DEFAULT_EC2_SHARE = 0.5;
export const DEFAULT_REGISTRATION_DELAY_MS = 200;
/** Where `runner sandbox start` keeps its state, keys, host roots, env and inventory. */
export const DEFAULT_SANDBOX_DIR = '.runner-sandbox';
