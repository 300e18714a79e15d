import type { ModuleContext } from '../../core/plugin/types.js';
import { AGENT_STATE_COMMAND, type AgentState, parseAgentState } from './agent-state.js';

/** Reads the host's agent config (with become when the play has it: the file is root's). */
export async function readAgentState(
  ctx: Pick<ModuleContext, 'connection' | 'become' | 'signal'>,
): Promise<AgentState> {
  const out = await ctx.connection.exec(AGENT_STATE_COMMAND, {
    become: ctx.become,
    signal: ctx.signal,
    timeoutMs: 60_000,
  });
  if (out.exitCode !== 0)
    throw new Error(`reading the agent config failed: ${out.stderr.trim().split('\n').pop() ?? ''}`);
  return parseAgentState(out.stdout);
}
