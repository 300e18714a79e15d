import { shQuote } from '../../core/connection/quote.js';
import { serviceName } from '../../core/plugin/registration.js';
import type { CheckDefinition } from '../../core/plugin/types.js';
import { AGENT_STATE_COMMAND, parseAgentState } from './agent.js';
import { ssmOptionsOf } from './service.js';

/** Preflight checks of `register --service ssm` (the shared ones, linux, OS, tools, are the checks plugin's). */
const PLAYBOOKS = ['register'];
const isSsm = (vars: Record<string, unknown>) => serviceName(vars) === 'ssm';

export const ssmOptionsCheck: CheckDefinition = {
  name: 'ssm options',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    if (!isSsm(ctx.vars)) return { level: 'pass', message: 'not registering with SSM' };
    const parsed = ssmOptionsOf(ctx);
    if (parsed.ok) return { level: 'pass' };
    // Which file set the refused var: looked up now, only because there is an error to report.
    const where = parsed.key ? await ctx.origin?.(parsed.key) : undefined;
    return { level: 'fail', message: where ? `${where}: ${parsed.reason}` : parsed.reason };
  },
};

/** The agent runs as a service: systemd or upstart; anything else gets a notice (it registers, but nothing restarts it). */
export const initSystemCheck: CheckDefinition = {
  name: 'init system',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    if (!isSsm(ctx.vars)) return { level: 'pass' };
    const state = parseAgentState(
      (await ctx.connection.exec(AGENT_STATE_COMMAND, { timeoutMs: 60_000 })).stdout,
    );
    return state.init === 'other'
      ? {
          level: 'notice',
          message:
            'no systemd or upstart found: the SSM agent registers, but no service manager keeps it running',
        }
      : { level: 'pass', message: state.init };
  },
};

/** The SSM endpoint the agent calls: the option, the SDK's endpoint variables, else the region's public one. */
export function ssmEndpoint(region: string, endpointUrl: string | undefined, env = process.env): string {
  return (
    endpointUrl ?? env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL ?? `https://ssm.${region}.amazonaws.com`
  );
}

/** Outbound HTTPS from the host to the SSM endpoint: any HTTP answer will do (the agent signs its own calls). */
export const endpointReachableCheck: CheckDefinition = {
  name: 'HTTPS to the SSM endpoint',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    if (!isSsm(ctx.vars)) return { level: 'pass' };
    const parsed = ssmOptionsOf(ctx);
    if (!parsed.ok) return { level: 'pass', message: 'options invalid: reported by the ssm options check' };
    if (!parsed.options.endpointCheck) return { level: 'pass', message: 'ssm_endpoint_check is off' };
    const url = ssmEndpoint(parsed.options.region, parsed.options.endpointUrl);
    const out = await ctx.connection.exec(
      `command -v curl >/dev/null 2>&1 || { echo nocurl; exit 0; }; for i in 1 2 3; do c=$(curl --silent --show-error --output /dev/null --max-time 20 --write-out '%{http_code}' ${shQuote(url)}); case "$c" in 000) sleep "$i" ;; *) break ;; esac; done; printf '%s' "$c"`,
      { timeoutMs: 120_000 },
    );
    const code = out.stdout.trim();
    if (code === 'nocurl') return { level: 'pass', message: 'no curl: reported by the prerequisites check' };
    if (/^[1-5]\d\d$/.test(code)) return { level: 'pass', message: `${url} answers` };
    const why = out.stderr.trim().split('\n').pop() || 'no answer';
    return {
      level: 'fail',
      message: `the host cannot reach ${url} (${why}): the agent needs HTTPS out to SSM (or a VPC endpoint or proxy; then set ssm_endpoint_check: false)`,
    };
  },
};
