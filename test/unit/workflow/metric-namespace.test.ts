import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { normalizeAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import {
  namesNonEksCluster,
  namespaceCanNameEksCluster,
  nonEksClusterReason,
  unresolvedByNamespace,
} from '../../../lambdas/core/workflow/metric-namespace.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/alarms', name), 'utf8'));

/** An alarm event whose one metric is `namespace` with `dimensions`. */
const alarmOn = (namespace: string, dimensions: Record<string, string>) => {
  const event = fixture('eks-cluster-failed-nodes.json');
  event.detail.configuration.metrics[0].metricStat.metric.namespace = namespace;
  event.detail.configuration.metrics[0].metricStat.metric.dimensions = dimensions;
  return event;
};

describe('which namespaces can name an EKS cluster by ClusterName', () => {
  it.each([
    'ContainerInsights',
    'ContainerInsights/Prometheus',
    'AWS/EKS',
    'CWAgent',
    'shop/custom',
  ])('%s can (Container Insights on EKS, the EKS control plane, a custom namespace)', (ns) => {
    expect(namespaceCanNameEksCluster(ns)).toBe(true);
  });

  it.each([
    'AWS/ECS',
    'ECS/ContainerInsights',
    'ECS/ContainerInsights/Prometheus',
    'AWS/MemoryDB',
    'AWS/EC2',
  ])('%s cannot (it names its own service’s clusters)', (ns) => {
    expect(namespaceCanNameEksCluster(ns)).toBe(false);
  });

  it('a Metrics Insights query (no namespace in the event) can, as before', () => {
    expect(namespaceCanNameEksCluster(undefined)).toBe(true);
    expect(namesNonEksCluster(undefined, { ClusterName: 'shop-prod' })).toBe(false);
  });

  it('only a set with a ClusterName names another service’s cluster', () => {
    expect(namesNonEksCluster('AWS/ECS', { ClusterName: 'shop-prod', ServiceName: 'web' })).toBe(
      true,
    );
    expect(namesNonEksCluster('AWS/ECS', { ServiceName: 'web' })).toBe(false);
    expect(namesNonEksCluster('ContainerInsights', { ClusterName: 'shop-prod' })).toBe(false);
  });

  it('the reason names the namespace, its service and the cluster', () => {
    expect(nonEksClusterReason('ECS/ContainerInsights', 'shop-prod')).toBe(
      'ECS/ContainerInsights names ECS cluster shop-prod, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods',
    );
  });
});

describe('normalizeAlarmEvent: a ClusterName of another service is no dimension set, and says why', () => {
  it('an AWS/ECS cluster alarm names no dimension set; it is unresolved with the namespace and cluster', () => {
    const alarm = normalizeAlarmEvent(fixture('ecs-cluster-cpu-reservation.json'));
    expect(alarm.dimensions).toEqual([]);
    expect(alarm.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod' },
        reason: nonEksClusterReason('AWS/ECS', 'shop-prod'),
      },
    ]);
  });

  it('a MemoryDB node (ClusterName and NodeName) is not read as an EKS node', () => {
    const alarm = normalizeAlarmEvent(
      alarmOn('AWS/MemoryDB', { ClusterName: 'sessions', NodeName: 'sessions-0001-001' }),
    );
    expect(alarm.dimensions).toEqual([]);
    expect(alarm.unresolved[0]!.reason).toMatch(/^AWS\/MemoryDB names MemoryDB cluster sessions/);
  });

  it("a Metrics Insights query's namespace is its FROM's: an ECS cluster there is no dimension set either", () => {
    const event = fixture('eks-cluster-failed-nodes.json');
    event.detail.configuration.metrics = [
      {
        id: 'q1',
        expression: `SELECT MAX(CPUReservation) FROM SCHEMA("AWS/ECS", ClusterName) WHERE ClusterName = 'shop-prod'`,
        returnData: true,
      },
    ];
    const alarm = normalizeAlarmEvent(event);
    expect(alarm.dimensions).toEqual([]);
    expect(alarm.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod' },
        reason: nonEksClusterReason('AWS/ECS', 'shop-prod'),
      },
    ]);
    event.detail.configuration.metrics[0].expression = `SELECT MAX(node_status_condition_ready) FROM SCHEMA(ContainerInsights, ClusterName) WHERE ClusterName = 'shop-prod'`;
    expect(normalizeAlarmEvent(event).dimensions).toEqual([{ ClusterName: 'shop-prod' }]);
  });

  it("an AWS/EKS metric of the cluster alone (the control plane's) names no node: unresolved, with why", () => {
    const alarm = normalizeAlarmEvent(alarmOn('AWS/EKS', { ClusterName: 'shop-prod' }));
    expect(alarm.dimensions).toEqual([]);
    expect(alarm.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod' },
        reason: unresolvedByNamespace('AWS/EKS', { ClusterName: 'shop-prod' }),
      },
    ]);
    expect(alarm.unresolved[0]!.reason).toMatch(
      /^AWS\/EKS is the control plane of cluster shop-prod/,
    );
  });

  it.each(['ContainerInsights', 'CWAgent'])('a %s ClusterName stays a dimension set', (ns) => {
    const alarm = normalizeAlarmEvent(alarmOn(ns, { ClusterName: 'shop-prod' }));
    expect(alarm.dimensions).toEqual([{ ClusterName: 'shop-prod' }]);
    expect(alarm.unresolved).toEqual([]);
  });
});
