import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { FakeApiServer, makeCertificates, type Scenario } from './fake-api-server.js';
import { writeKubeconfig } from './scenario-loader.js';

/** A started local API server, a kubeconfig for it and client access through that kubeconfig. */
export interface LocalCluster {
  readonly server: FakeApiServer;
  readonly access: KubeconfigAccess;
  readonly certs: { ca: string; cert: string; key: string };
  /** A scratch directory for the test's own files (removed by stop). */
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts the local HTTPS API server on a scenario, with a fresh CA and a kubeconfig for `token`. */
export async function startLocalCluster(scenario: Scenario, token: string): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-k8s-test-'));
  const certs = makeCertificates();
  const server = new FakeApiServer(certs, token, scenario);
  await server.start();
  writeKubeconfig(join(dir, 'kc'), server.url, certs.ca, token);
  return {
    server,
    certs,
    dir,
    access: new KubeconfigAccess(join(dir, 'kc')),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
