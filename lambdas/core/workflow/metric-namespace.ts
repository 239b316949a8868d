/**
 * Which CloudWatch namespaces can name an EKS cluster by their `ClusterName` dimension. EKS is not
 * the only service that names its clusters that way: Amazon ECS (`AWS/ECS`, and its Container
 * Insights in `ECS/ContainerInsights` and `ECS/ContainerInsights/Prometheus`), Amazon MemoryDB
 * (`AWS/MemoryDB`) and others do too, so an ECS cluster that shares a configured EKS cluster's name
 * would otherwise be read as that EKS cluster (its "failing nodes" targeted). AWS publishes EKS
 * cluster metrics in `ContainerInsights` and `ContainerInsights/Prometheus` (Container Insights on
 * EKS) and `AWS/EKS` (the control plane); every other `AWS/` namespace is another service's. A
 * custom namespace's meaning is its publisher's: a configured name there is taken as the EKS
 * cluster, as before. Alarm event, composite child reader, local triage and coverage all decide
 * here, so they agree.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cloudwatch.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights-Prometheus-viewmetrics.html
 */

/** Namespaces AWS reserves for its services' metrics (a custom namespace cannot start with it). */
const AWS_PREFIX = 'AWS/';
/** The one AWS service namespace whose ClusterName is an EKS cluster (control plane metrics). */
const AWS_EKS = 'AWS/EKS';
/** Container Insights on ECS: its ClusterName is an ECS cluster. */
const ECS_CONTAINER_INSIGHTS = 'ECS/ContainerInsights';

/**
 * True when a metric of `namespace` can name an EKS cluster by its ClusterName dimension.
 * `undefined` (a Metrics Insights query: the alarm event carries no namespace for it) counts as
 * able, as does a custom namespace: what they name is not known, so a configured name decides.
 * @example namespaceCanNameEksCluster('ContainerInsights') // true
 * @example namespaceCanNameEksCluster('AWS/ECS') // false
 */
export function namespaceCanNameEksCluster(namespace: string | undefined): boolean {
  if (namespace === undefined || namespace === AWS_EKS) return true;
  if (namespace.startsWith(AWS_PREFIX)) return false;
  return (
    namespace !== ECS_CONTAINER_INSIGHTS && !namespace.startsWith(`${ECS_CONTAINER_INSIGHTS}/`)
  );
}

/**
 * True when a metric's dimension set names a cluster of another service than EKS: it has a
 * ClusterName and its namespace cannot name an EKS cluster. Such a set names no target.
 */
export function namesNonEksCluster(
  namespace: string | undefined,
  dimensions: Readonly<Record<string, string>>,
): boolean {
  return dimensions.ClusterName !== undefined && !namespaceCanNameEksCluster(namespace);
}

/**
 * Why such a set names no target (recorded on the `triggered` entry, shown by coverage).
 * @example nonEksClusterReason('AWS/ECS', 'shop-prod') // 'AWS/ECS names ECS cluster shop-prod, not an EKS cluster: …'
 */
export function nonEksClusterReason(namespace: string, cluster: string): string {
  // The service's short name: AWS/ECS → ECS, ECS/ContainerInsights → ECS.
  const service = namespace.startsWith(AWS_PREFIX)
    ? namespace.slice(AWS_PREFIX.length)
    : namespace.split('/')[0];
  return `${namespace} names ${service} cluster ${cluster}, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods`;
}

/**
 * Why a metric's dimension set names no target by its namespace, or undefined when it may: another
 * service's cluster (nonEksClusterReason), or an `AWS/EKS` metric of the cluster alone. `AWS/EKS`
 * holds the control plane's metrics (API server requests, etcd size, scheduler): an alarm on them
 * says nothing of any node, so reading it as "the cluster's failing nodes" (as a Container Insights
 * cluster-level alarm is) would act on whatever node happens to be unhealthy at that moment.
 * @example unresolvedByNamespace('AWS/EKS', { ClusterName: 'prod' }) // 'AWS/EKS is the control plane of cluster prod: …'
 */
export function unresolvedByNamespace(
  namespace: string | undefined,
  dimensions: Readonly<Record<string, string>>,
): string | undefined {
  if (namespace === undefined || dimensions.ClusterName === undefined) return undefined;
  if (namesNonEksCluster(namespace, dimensions))
    return nonEksClusterReason(namespace, dimensions.ClusterName);
  const keys = Object.keys(dimensions);
  if (namespace === AWS_EKS && keys.length === 1)
    return `${AWS_EKS} is the control plane of cluster ${dimensions.ClusterName} (API server, etcd, scheduler): its alarm names no node or pod, so no node is a target; a control-plane alarm needs the cluster's own view (paramedic triage on a node of the cluster, or the EKS console)`;
  return undefined;
}
