import { registrationStep } from '../../core/plugin/registration.js';

/**
 * The register playbook's service-neutral steps: each hands the host to the
 * service its `register_service` picks (through the seam, never a service's
 * internals). A host the service found registered already is left alone by
 * the later steps, and says so.
 */
export const registerContext = registrationStep({
  description:
    'Validate the register options and fetch or make what the play registers with (once per play).',
  local: true,
  async run(ctx, { service, request }) {
    const result = await service.prepare(ctx, request);
    const facts = (result.data?.ansible_facts ?? {}) as Record<string, unknown>;
    return {
      ...result,
      data: {
        ...result.data,
        ansible_facts: {
          ...facts,
          // Parsed once, no secrets: the playbook's `when:` reads these.
          register_options: {
            service: service.name,
            infrastructure_class: request.infrastructureClass,
            agent_credentials: request.agentCredentials,
            agent_source: request.agentSource,
            local: request.local,
          },
        },
      },
    };
  },
});

export const registerState = registrationStep({
  description: 'Find whether the host is already registered with the service.',
  async run(ctx, { service, request }) {
    return service.state(ctx, request);
  },
});

export const registerInstall = registrationStep({
  description: "Install the service's agent and register the host (with become).",
  async run(ctx, { service, request, parts }) {
    if (service.registered(ctx)) return { changed: false, msg: 'already registered' };
    const target = parts.targets.get(ctx.host);
    if (!target)
      return {
        changed: false,
        failed: true,
        msg: 'no target for this host: resolve the infrastructure class first',
      };
    return service.install(ctx, request, target);
  },
});

export const registerWait = registrationStep({
  description: 'Wait until the service reports the host registered (one batched poller per play).',
  local: true,
  async run(ctx, { service, request }) {
    if (service.registered(ctx)) return { changed: false, msg: 'already registered' };
    return service.wait(ctx, request);
  },
});
