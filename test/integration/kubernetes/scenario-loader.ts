/** Loads recorded cluster states: base-cluster.json overlaid with one scenario (objects replace same kind/namespace/name). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { Scenario, ScenarioObjects } from './fake-api-server.js';

/** test/fixtures/kubernetes */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'kubernetes');

/** Ids of every recorded scenario. */
export function scenarioIds(): string[] {
  return readdirSync(join(FIXTURES, 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** One scenario merged over the base cluster. */
export function loadScenario(id: string): Scenario {
  const base = JSON.parse(readFileSync(join(FIXTURES, 'base-cluster.json'), 'utf8')) as {
    objects: ScenarioObjects;
  };
  const sc = JSON.parse(
    readFileSync(join(FIXTURES, 'scenarios', `${id}.json`), 'utf8'),
  ) as Scenario;
  const objects: ScenarioObjects = {};
  const keys = new Set([...Object.keys(base.objects), ...Object.keys(sc.objects)]) as Set<
    keyof ScenarioObjects
  >;
  for (const k of keys) {
    const over = sc.objects[k] ?? [];
    const key = (o: Record<string, any>) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const replaced = new Set(over.map(key));
    objects[k] = [...(base.objects[k] ?? []).filter((o) => !replaced.has(key(o))), ...over];
  }
  return { ...sc, objects };
}

/** Writes a kubeconfig for the fake server (CA data inline, bearer token). */
export function writeKubeconfig(
  file: string,
  server: string,
  caPem: string,
  token: string,
  name = 'fake-eks',
): void {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    clusters: [
      {
        name,
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: 'tester', user: { token } }],
    contexts: [{ name, context: { cluster: name, user: 'tester' } }],
  };
  writeFileSync(file, JSON.stringify(doc, null, 1));
}
