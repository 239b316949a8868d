import { describe, expect, it } from 'vitest';
import { CollectorLogFlagError, collectorLogsOf } from '../../../cli/options.js';
import { parseConfig } from '../../../lambdas/core/deployment-config.js';

describe('the log flags, per platform', () => {
  it("each flag goes to the platforms whose collector reads it: containerd's to both", () => {
    expect(
      collectorLogsOf({
        daemonLog: '/var/log/dockerd.log',
        containerdLog: '/var/log/containerd/containerd.log',
        ipamdLog: '/var/log/data/ipamd.log',
      }),
    ).toEqual({
      docker: {
        daemonLog: '/var/log/dockerd.log',
        containerdLog: '/var/log/containerd/containerd.log',
      },
      eks: {
        containerdLog: '/var/log/containerd/containerd.log',
        ipamdLog: '/var/log/data/ipamd.log',
      },
    });
    expect(collectorLogsOf({})).toEqual({});
  });

  it('a value the collector would refuse is a CollectorLogFlagError naming the flag', () => {
    expect(() => collectorLogsOf({ policyAgentLog: `/${'a'.repeat(256)}` })).toThrow(
      CollectorLogFlagError,
    );
    expect(() => collectorLogsOf({ policyAgentLog: '/var/log/$(reboot)' })).toThrow(
      /^--policy-agent-log "\/var\/log\/\$\(reboot\)": give a file under \/var\/log\//,
    );
  });

  it('a file outside /var/log, or a path that climbs out of it, is refused: the collector runs as root', () => {
    for (const file of [
      '/etc/shadow',
      '/var/log/../../etc/shadow',
      '/var/log/..',
      '/var/log/./../../root/.ssh/id_rsa',
      '/var/logs/x.log',
      '/var/log',
    ])
      expect(() => collectorLogsOf({ daemonLog: file }), file).toThrow(
        `--daemon-log ${JSON.stringify(file)}: give a file under /var/log/ (at most 4 levels of names of 1-61 letters, digits and _.-, none beginning with a dot, so no ..), e.g. /var/log/docker.log`,
      );
    expect(collectorLogsOf({ daemonLog: '/var/log/docker/docker.2026-12-05.log' })).toEqual({
      docker: { daemonLog: '/var/log/docker/docker.2026-12-05.log' },
    });
  });

  it("the deployment's collectorLogs takes containerd's log on both platforms", () => {
    const collectorLogs = {
      docker: { containerdLog: '/var/log/containerd.log' },
      eks: { containerdLog: '/var/log/containerd.log', kubeletLog: '/var/log/kubelet.log' },
    };
    expect(parseConfig({ collectorLogs }).collectorLogs).toEqual(collectorLogs);
  });
});
