/**
 * Lambda refuses a function whose environment variables add up to more than 4 KB, and only at
 * deploy (CloudFormation's update fails half-way). The configuration puts lists there
 * (eksClusters, the senders' collectorLogs), so the synth says it first, naming what to shorten.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../cdk/app.js';
import { environmentBytes } from '../../cdk/constructs/house-function.js';

const BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const clusters = (n: number) =>
  Array.from({ length: n }, (_, i) => `cluster-${String(i).padStart(3, '0')}-${'x'.repeat(80)}`);

describe("a function's environment within Lambda's 4 KB", () => {
  it('counts names and values, and a value CloudFormation resolves at deploy as 128 bytes', () => {
    expect(environmentBytes({ A: 'xyz', TABLE: { Ref: 'AuditTable' } })).toBe(1 + 3 + 5 + 128);
  });

  it('the longest log paths the collectors accept, and a dozen long cluster names, still fit', () => {
    // Under /var/log, 4 names of 61 characters: 256 characters, the most LOG_FILE_PATTERN takes.
    const long = `/var/log${`/${'a'.repeat(61)}`.repeat(4)}`;
    expect(long).toHaveLength(256);
    const { app } = createApp({
      context: {
        ...BUNDLING,
        paramedic: {
          alarmNamePrefixes: ['prod-'],
          deploymentName: 'prod',
          eksClusters: clusters(12),
          collectorLogs: {
            docker: { daemonLog: long, containerdLog: long },
            eks: { kubeletLog: long, containerdLog: long, ipamdLog: long, policyAgentLog: long },
          },
        },
      },
    });
    expect(() => app.synth()).not.toThrow();
  });

  it('a configuration that would pass it fails the synth, naming the function and what to shorten', () => {
    const { app } = createApp({
      context: {
        ...BUNDLING,
        paramedic: { alarmNamePrefixes: ['prod-'], eksClusters: clusters(60) },
      },
    });
    expect(() => app.synth()).toThrow(
      /Intake: its environment variables come to about \d+ bytes, over Lambda's 4096-byte limit; shorten what the configuration puts there \(eksClusters, alarmNamePrefixes, collectorLogs, deploymentName\)/,
    );
  });
});
