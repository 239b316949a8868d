/**
 * The SSM side of simulated EKS nodes for the workflow tests: the collector prints a recorded
 * eks-node bundle (test/fixtures/kubernetes/node-evidence), and a host action repairs the node (the
 * API server's node object then reads healthy). Everything else in those tests is real.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import type {
  CommandRequest,
  CommandResult,
  CommandRunner,
} from '../../../lambdas/core/workflow/ports.js';
import type { FakeApiServer } from '../kubernetes/fake-api-server.js';
import { invalidTarget } from './harness.js';

const NODE_EVIDENCE = join(REPO_ROOT, 'test', 'fixtures', 'kubernetes', 'node-evidence');

/** A simulated EKS node's SSM side: what its collector prints, and what its host actions repair. */
export interface SimulatedNode {
  /** The recorded bundle its collector prints (a file of node-evidence/). */
  evidence: string;
  healthy: boolean;
  /** The node's name, when it is not the recorded bundle's (many nodes printing one recording). */
  name?: string;
  /** The kubelet's status once the host action repaired the node (the API server's node object). */
  repair(server: FakeApiServer): void;
}

/** CommandRunner over simulated EKS nodes: the collector prints the recorded node bundle; action documents repair. */
export class EksNodeFleet implements CommandRunner {
  readonly nodes = new Map<string, SimulatedNode>();
  readonly requests: CommandRequest[] = [];
  private readonly recordings = new Map<string, string>();

  constructor(private readonly server: () => FakeApiServer) {}

  private recording(file: string): any {
    if (!this.recordings.has(file))
      this.recordings.set(file, readFileSync(join(NODE_EVIDENCE, file), 'utf8'));
    return JSON.parse(this.recordings.get(file)!);
  }

  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    this.requests.push(request);
    const commandId = `cmd-${this.requests.length}`;
    return request.targets.map((target): CommandResult => {
      const node = this.nodes.get(target);
      if (!node) return invalidTarget(target, commandId);
      if (request.document.startsWith('Paramedic-Collect')) {
        const bundle = this.recording(node.evidence);
        bundle.target = {
          ...bundle.target,
          instanceId: target,
          ...(node.name ? { node: node.name } : {}),
        };
        if (node.healthy) {
          // After the repair the node's journals are quiet and its root filesystem has room.
          bundle.sections['kubelet.journal'].output = '-- No entries --\n';
          bundle.sections['containerd.journal'].output = '-- No entries --\n';
          bundle.sections['disk.df'].output = bundle.sections['disk.df'].output.replace(
            /\d+G +\d+M +9\d%/,
            '8.1G   12G  41%',
          );
          bundle.sections['crictl.ps'] = {
            ...bundle.sections['crictl.ps'],
            exitCode: 0,
            output:
              'CONTAINER           IMAGE               CREATED             STATE               NAME\n',
          };
        }
        return {
          target,
          status: 'Success',
          exitCode: 0,
          stdout: JSON.stringify(bundle),
          stderr: '',
          commandId,
        };
      }
      node.repair(this.server());
      node.healthy = true;
      return { target, status: 'Success', exitCode: 0, stdout: 'done', stderr: '', commandId };
    });
  }
}
