"""AWS CLI v2 plugin for the runner sandbox: every client without an explicit
endpoint goes to $AWS_ENDPOINT_URL.

Debian's AWS CLI 2.9 (the last one with `aws opsworks register`) predates
AWS_ENDPOINT_URL, and `aws opsworks register` makes its IAM client without
the global --endpoint-url, so without this plugin its IAM calls would go to
the real AWS. Loaded through the config file's [plugins] section (see
docs/sandbox.md); a no-op when AWS_ENDPOINT_URL is unset.
"""

import os


def awscli_initialize(cli):
    cli.register('session-initialized', _point_clients_at_sandbox)


def _point_clients_at_sandbox(session, **kwargs):
    endpoint = os.environ.get('AWS_ENDPOINT_URL')
    if not endpoint:
        return
    create_client = session.create_client

    def create_client_at_sandbox(*args, **client_kwargs):
        if not client_kwargs.get('endpoint_url'):
            client_kwargs['endpoint_url'] = endpoint
        return create_client(*args, **client_kwargs)

    session.create_client = create_client_at_sandbox
