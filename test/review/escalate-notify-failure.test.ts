/**
 * Review reproduction: Escalate rolls back, then notifies. Its Task retries every handler error
 * (workflow-definition.ts RETRIED_ON_HANDLER_ERRORS) on the premise that "Escalate is de-duplicated
 * by the idempotency layer"; but Powertools idempotency deletes its record when the handler throws,
 * so a failing notification (SNS throttling after the SDK's retries, the byte-size bug of
 * sns-notifier.ts, a KMS key the topic can no longer use) re-runs the whole step: the rollback
 * actions run again on the hosts on each of the 4 attempts, and the run ends `Failed`, not
 * `Escalated`, with nobody told. (This local run has no idempotency layer; on AWS the layer keeps
 * nothing after an error, so the behaviour is the same.)
 */
import { describe, expect, it } from 'vitest';
import { scenario, sharedInfra } from '../integration/workflow/harness.js';
import type { ActionExecutor, Notifier } from '../../lambdas/core/workflow/ports.js';

const HOST = 'i-0123456789abcdef0';
const NODE = 'ip-10-0-1-23.ec2.internal';
const infra = sharedInfra();

describe('Escalate whose notification fails', () => {
  it('rolls back once', { timeout: 120_000 }, async () => {
    const calls: string[] = [];
    const kubernetes: ActionExecutor = {
      async execute(step, targets) {
        return targets.map((t) => {
          const node = step.invocations.find((i) => i.target === t.id)!.parameters.node!;
          calls.push(`${step.action} ${node}`);
          return {
            step: step.index,
            action: step.action,
            target: t.id,
            status: 'succeeded' as const,
            detail: 'patched',
          };
        });
      },
    };
    const notifier: Notifier = {
      async notify(message) {
        if (message.kind === 'escalation') {
          const e = new Error('Invalid parameter: Message too long');
          e.name = 'InvalidParameterException';
          throw e;
        }
      },
    };
    const s = await scenario(infra(), {
      approvals: {
        waitForDecision: async () => ({
          approved: true,
          approver: 'erin',
          at: '2026-11-23T09:05:00Z',
        }),
      },
      ports: {
        notifier,
        executors: { kubernetes },
        targets: { instancesOfGroup: async () => [], instanceOfNode: async () => HOST },
      },
    });
    s.fleet.hosts.set(HOST, {
      fault: 'disk-full',
      fix: 'fails',
      sections: {
        'k8s.cluster': {
          output: `$ kubectl get nodes\nNAME                        STATUS     ROLES    AGE   VERSION\n${NODE}   NotReady   <none>   9d    v1.29.3-eks-ae9a62a\nip-10-0-1-24.ec2.internal   Ready      <none>   9d    v1.29.3-eks-ae9a62a\n`,
        },
        'k8s.node': {
          output: `Conditions:\n  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message\n  ----             ------    -----------------                 ------------------                ------              -------\n  Ready            Unknown   Mon, 23 Nov 2026 08:50:00 +0000   Mon, 23 Nov 2026 08:52:00 +0000   NodeStatusUnknown   Kubelet stopped posting node status.\n`,
        },
      },
    });

    const run = await s.execute({
      runbookId: 'node-not-ready',
      target: `eks:prod/${NODE}`,
      mode: 'execute',
      invokedBy: 'erin',
    });

    const types = (await s.audit.execution(run.executionId)).map((e) => e.type);
    expect(calls.filter((c) => c.startsWith('k8s-uncordon-node'))).toHaveLength(1);
    expect(types.filter((t) => t === 'rolled-back')).toHaveLength(1);
  });
});
