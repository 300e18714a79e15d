import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../support/cli.js';

/**
 * The sharding examples in docs/examples: the Kubernetes manifest validates
 * against the Kubernetes JSON schema of its API versions (kubernetes-models'
 * validate(), generated from the Kubernetes OpenAPI), and the runner command
 * line it holds selects every host of its ConfigMap's inventory exactly once
 * across the Job's indexes. The GitHub Actions workflow parses, and its matrix
 * names every shard once.
 */
const K8S = 'docs/examples/kubernetes/register-job.yaml';
const GHA = 'docs/examples/github-actions/register-matrix.yml';

const MODELS = { ConfigMap, Secret, ServiceAccount, Job } as const;
type Kind = keyof typeof MODELS;

function manifests(text = readFileSync(K8S, 'utf8')) {
  return parseAllDocuments(text).map(
    (d) => d.toJS() as { kind: Kind; apiVersion: string; metadata: { name: string } },
  );
}

function validate(doc: { kind: Kind }): void {
  const Model = MODELS[doc.kind];
  if (!Model) throw new Error(`no schema for kind ${doc.kind}`);
  // biome-ignore lint/suspicious/noExplicitAny: each model takes its own shape; validate() checks it.
  new Model(doc as any).validate();
}

describe('Kubernetes Indexed Job example', () => {
  const docs = manifests();
  const job = docs.find((d) => d.kind === 'Job') as unknown as InstanceType<typeof Job>;

  it('validates against the Kubernetes schema for each of its API versions', () => {
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual([
      'v1 ConfigMap',
      'v1 Secret',
      'v1 ServiceAccount',
      'batch/v1 Job',
    ]);
    for (const doc of docs) expect(() => validate(doc), doc.kind).not.toThrow();
  });

  it('is an Indexed Job reading its shard from JOB_COMPLETION_INDEX, credentials from a Secret or IRSA, inventory from a ConfigMap', () => {
    expect(job.spec?.completionMode).toBe('Indexed');
    expect(job.spec?.parallelism).toBeGreaterThan(1);
    const container = job.spec!.template.spec!.containers[0]!;
    const args = container.args!;
    expect(args[args.indexOf('--shard-count') + 1]).toBe(String(job.spec?.completions));
    expect(args).not.toContain('--shard-index');
    expect(container.env?.filter((e) => e.valueFrom?.secretKeyRef?.name === 'runner-aws')).toHaveLength(2);
    expect(job.spec!.template.spec!.serviceAccountName).toBe('runner');
    expect(job.spec!.template.spec!.volumes?.find((v) => v.configMap)?.configMap?.name).toBe('runner-fleet');
  });

  it('would be refused by the schema if it were wrong (the check can fail)', () => {
    const bad = readFileSync(K8S, 'utf8').replace('parallelism: 4', 'parallelism: four');
    expect(() => validate(manifests(bad).find((d) => d.kind === 'Job')!)).toThrow(/parallelism/);
    const typo = readFileSync(K8S, 'utf8').replace('completionMode: Indexed', 'completionMode: Indexd');
    expect(() => validate(manifests(typo).find((d) => d.kind === 'Job')!)).toThrow();
  });

  it("gives each index its own hosts of the ConfigMap's inventory, every host once", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-k8s-'));
    const config = docs.find((d) => d.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    const inventory = join(dir, 'fleet.yml');
    writeFileSync(inventory, config.data['fleet.yml']!);
    const container = job.spec!.template.spec!.containers[0]!;
    // As the kubelet does: $(VAR) in args from the container's env; the inventory where the ConfigMap is mounted.
    const args = container.args!.map((a) =>
      a.replace('$(JOB_NAME)', 'register-fleet').replace('/etc/runner/fleet.yml', inventory),
    );
    const seen: string[] = [];
    for (let index = 0; index < job.spec!.completions!; index++) {
      const run = await runCli([...args, '--list-hosts'], {
        cwd: dir,
        env: { JOB_COMPLETION_INDEX: String(index) },
      });
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.split('\n');
      const at = lines.findIndex((l) => /hosts \(\d+\):/.test(l));
      seen.push(
        ...lines
          .slice(at + 1)
          .map((l) => l.trim())
          .filter(Boolean),
      );
    }
    expect(seen.sort()).toEqual(Object.keys(parse(config.data['fleet.yml']!).all.hosts).sort());
  });
});

describe('GitHub Actions matrix example', () => {
  it('parses, and runs every shard of the matrix once with one run ID, then a recap', () => {
    const flow = parse(readFileSync(GHA, 'utf8')) as {
      env: Record<string, string>;
      jobs: Record<
        string,
        { strategy?: { matrix: { shard: number[] } }; needs?: string; steps: { run?: string }[] }
      >;
    };
    const shards = flow.jobs.shard!.strategy!.matrix.shard;
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    const register = flow.jobs.shard!.steps.find((s) => s.run?.includes('runner play register'))!.run!;
    expect(register).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(register).toContain('--run-id "$RUN_ID"');
    expect(flow.env.RUN_ID).toContain('github.run_id');
    expect(flow.jobs.recap!.needs).toBe('shard');
    expect(
      flow.jobs.recap!.steps.some((s) =>
        s.run?.startsWith('runner recap --journal "$JOURNAL" --run-id "$RUN_ID"'),
      ),
    ).toBe(true);
  });
});
