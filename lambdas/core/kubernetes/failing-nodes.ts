/**
 * Which nodes of a cluster are failing, for a cluster-level alarm (ClusterName only) that names
 * no node: its targets are these, least healthy first. Two readings, both kept:
 * - Container Insights' `cluster_failed_node_count`: a node fails when MemoryPressure,
 *   DiskPressure, PIDPressure or NetworkUnavailable is not False (True, or Unknown: the node
 *   lifecycle controller's word for a kubelet that stopped posting). The agent does not read Ready.
 * - kubectl's NotReady (Ready not True): a kubelet that posts Ready=False (PLEG, runtime or CNI
 *   down) with its pressures False is not counted by the agent, but it is a failing node to an
 *   operator, and the alarm may have fired for a node beside it.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html
 * @see https://github.com/aws/amazon-cloudwatch-agent/blob/main/internal/k8sCommon/k8sclient/node.go (failedNodeConditions)
 * @see https://kubernetes.io/docs/reference/node/node-status/#condition
 */

/** A node condition as read for resolution. */
export interface NodeConditionFacts {
  readonly type: string;
  readonly status: string;
}

/** The conditions Container Insights counts as a failure unless False (the kubelet's pressures; the route controller's NetworkUnavailable). */
const FAILING_UNLESS_FALSE = [
  'DiskPressure',
  'MemoryPressure',
  'PIDPressure',
  'NetworkUnavailable',
];

/**
 * What is wrong with a node, one `Type=Status` per failing condition; empty when it is healthy. A
 * node that reports no Ready condition at all is failing (kubectl shows it NotReady: its kubelet
 * never posted a status, or the lifecycle controller has not yet marked it Unknown).
 * @example nodeFailures([{ type: 'Ready', status: 'Unknown' }, { type: 'DiskPressure', status: 'False' }]) // ['Ready=Unknown']
 */
export function nodeFailures(conditions: readonly NodeConditionFacts[] | undefined): string[] {
  const all = conditions ?? [];
  const ready = all.find((c) => c.type === 'Ready');
  const failures: string[] = [];
  if (!ready) failures.push('Ready not reported');
  else if (ready.status !== 'True') failures.push(`Ready=${ready.status}`);
  for (const c of all)
    if (FAILING_UNLESS_FALSE.includes(c.type) && c.status !== 'False')
      failures.push(`${c.type}=${c.status}`);
  return failures;
}

/**
 * The failing nodes among `nodes`, least healthy first: not Ready before a pressure alone, then
 * by how many conditions fail, then by name (a stable order, so a retried Intake picks the same).
 * @example failingNodes([{ node: 'a', conditions: [{ type: 'Ready', status: 'True' }] }, { node: 'b', conditions: [] }]) // [{ node: 'b', … }]
 */
export function failingNodes<
  N extends { readonly node: string; readonly conditions?: readonly NodeConditionFacts[] },
>(nodes: readonly N[]): { readonly node: N; readonly failures: readonly string[] }[] {
  const severity = (failures: readonly string[]) =>
    (failures.some((f) => f.startsWith('Ready')) ? 100 : 0) + failures.length;
  return nodes
    .map((node) => ({ node, failures: nodeFailures(node.conditions) }))
    .filter((n) => n.failures.length > 0)
    .sort(
      (a, b) =>
        severity(b.failures) - severity(a.failures) ||
        (a.node.node < b.node.node ? -1 : a.node.node > b.node.node ? 1 : 0),
    );
}
