import type { CheckDefinition } from 'fleet-runner';

/**
 * A post-setup check: a notice in the recap when the root filesystem is fuller
 * than `example_disk_threshold` percent (default 90). Checks only read.
 */
export const diskSpace: CheckDefinition = {
  name: 'disk-space',
  phase: 'post-setup',
  async run({ vars, connection }) {
    const threshold = Number(vars.example_disk_threshold ?? 90);
    const result = await connection.exec('df -P / | tail -n 1');
    const used = Number(/(\d+)%/.exec(result.stdout)?.[1]);
    if (result.exitCode !== 0 || Number.isNaN(used))
      return { level: 'notice', message: 'could not read disk usage' };
    if (used > threshold)
      return { level: 'notice', message: `root filesystem ${used}% full (threshold ${threshold}%)` };
    return { level: 'pass', message: `root filesystem ${used}% full` };
  },
};
