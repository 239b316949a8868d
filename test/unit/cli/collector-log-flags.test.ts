import { describe, expect, it } from 'vitest';
import { CollectorLogFlagError, collectorLogsOf } from '../../../cli/options.js';
import { parseConfig } from '../../../lambdas/core/deployment-config.js';

describe('the log flags, per platform', () => {
  it("each flag goes to the platforms whose collector reads it: containerd's to both", () => {
    expect(
      collectorLogsOf({
        daemonLog: '/var/log/dockerd.log',
        containerdLog: '/var/log/containerd/containerd.log',
        ipamdLog: '/data/ipamd.log',
      }),
    ).toEqual({
      docker: {
        daemonLog: '/var/log/dockerd.log',
        containerdLog: '/var/log/containerd/containerd.log',
      },
      eks: { containerdLog: '/var/log/containerd/containerd.log', ipamdLog: '/data/ipamd.log' },
    });
    expect(collectorLogsOf({})).toEqual({});
  });

  it('a value the collector would refuse is a CollectorLogFlagError naming the flag', () => {
    expect(() => collectorLogsOf({ policyAgentLog: `/${'a'.repeat(256)}` })).toThrow(
      CollectorLogFlagError,
    );
    expect(() => collectorLogsOf({ policyAgentLog: '/var/log/$(reboot)' })).toThrow(
      /^--policy-agent-log "\/var\/log\/\$\(reboot\)": give an absolute path/,
    );
  });

  it("the deployment's collectorLogs takes containerd's log on both platforms", () => {
    const collectorLogs = {
      docker: { containerdLog: '/var/log/containerd.log' },
      eks: { containerdLog: '/var/log/containerd.log', kubeletLog: '/var/log/kubelet.log' },
    };
    expect(parseConfig({ collectorLogs }).collectorLogs).toEqual(collectorLogs);
  });
});
