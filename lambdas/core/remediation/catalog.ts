/**
 * The catalogue of remediation actions. Runbooks name these ids; nothing else may run.
 * Each action declares where it runs, how risky it is, the parameters it takes (with the
 * pattern every value must match before it reaches a document or an API call) and the
 * permissions it needs, so CDK derives IAM from here and the planner can refuse early.
 */

/** Where an action executes. */
export type ActionTarget = 'docker-host' | 'eks-node' | 'kubernetes' | 'aws' | 'none';

/** `safe`: idempotent, loses no data, may run automatically. `risky`: needs an approval. */
export type ActionRisk = 'safe' | 'risky';

/** One typed parameter of an action. */
export interface ActionParameter {
  readonly type: 'string' | 'integer';
  readonly description: string;
  /** Anchored pattern the value must match (strings); mirrored into the SSM document's allowedPattern. */
  readonly allowedPattern?: string;
  readonly min?: number;
  readonly max?: number;
  readonly default?: string | number;
  /** Filled from the incident target rather than by the runbook author. */
  readonly fromTarget?: 'instanceId' | 'node' | 'namespace' | 'pod' | 'container' | 'cluster';
}

/** What an action is allowed to touch. */
export interface ActionPermissions {
  /** IAM actions the executing role needs (beyond ssm:SendCommand on the action's own document). */
  readonly iam: readonly string[];
  /** Kubernetes verbs on resources, e.g. `patch nodes`. */
  readonly kubernetes: readonly string[];
}

/** A catalogue entry. */
export interface ActionDefinition {
  readonly id: string;
  readonly title: string;
  readonly target: ActionTarget;
  readonly risk: ActionRisk;
  /** Whether the action changes anything (false for report). */
  readonly mutates: boolean;
  /** SSM document name suffix for host actions (`Paramedic-<document>`). */
  readonly document?: string;
  /**
   * Host actions: the longest their document's script may spend before its last change, seconds.
   * The script's changes are cut to fit it (action-lib.sh `pa_do`), and its SSM document's
   * timeoutSeconds is this plus {@link ACTION_CHECK_SECONDS}, so SSM never kills a change midway.
   * @example maxSeconds: 420 // two systemctl restarts of up to 180 s each, and their checks
   */
  readonly maxSeconds?: number;
  readonly parameters: Readonly<Record<string, ActionParameter>>;
  readonly permissions: ActionPermissions;
  /**
   * The action that undoes this one on the same target with the same parameters (rollback runs it).
   * It must be idempotent, a no-op where this action did not run: rollback also runs it for a step
   * whose outcome was never recorded (remediation/rollback.ts).
   */
  readonly inverse?: string;
}

const containerName: ActionParameter = {
  type: 'string',
  description: 'Docker container name or id',
  allowedPattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$',
  fromTarget: 'container',
};
const nodeName: ActionParameter = {
  type: 'string',
  description: 'Kubernetes node name',
  allowedPattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$',
  fromTarget: 'node',
};
const namespace: ActionParameter = {
  type: 'string',
  description: 'Kubernetes namespace',
  allowedPattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  fromTarget: 'namespace',
};
const podName: ActionParameter = {
  type: 'string',
  description: 'Kubernetes pod name',
  allowedPattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$',
  fromTarget: 'pod',
};
/**
 * Time a host action's document allows after its script's time limit (`maxSeconds`): the checks
 * after the last change (systemctl is-active, a container's state, a count), each under its own
 * timeout, and the shell's start.
 */
export const ACTION_CHECK_SECONDS = 60;

const ssmOnly: ActionPermissions = {
  iam: ['ssm:SendCommand', 'ssm:GetCommandInvocation'],
  kubernetes: [],
};

/** Every action a runbook may name, by id. */
export const ACTION_CATALOG = {
  report: {
    id: 'report',
    title: 'Report the finding and the evidence; change nothing',
    target: 'none',
    risk: 'safe',
    mutates: false,
    parameters: {},
    permissions: { iam: ['sns:Publish'], kubernetes: [] },
  },
  'docker-start-service': {
    id: 'docker-start-service',
    title: 'Start docker.socket and docker.service if they are not active',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'DockerStartService',
    maxSeconds: 300,
    parameters: {},
    permissions: ssmOnly,
  },
  'docker-restart-service': {
    id: 'docker-restart-service',
    title: 'Restart docker.service (running containers restart per their restart policy)',
    target: 'docker-host',
    risk: 'risky',
    mutates: true,
    document: 'DockerRestartService',
    maxSeconds: 240,
    parameters: {},
    permissions: ssmOnly,
  },
  'docker-create-group': {
    id: 'docker-create-group',
    title: 'Create the docker system group if absent, then restart docker.socket',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'DockerCreateGroup',
    maxSeconds: 180,
    parameters: {},
    permissions: ssmOnly,
  },
  'docker-disable-selinux-option': {
    id: 'docker-disable-selinux-option',
    title: 'Set "selinux-enabled": false in /etc/docker/daemon.json (backed up first)',
    target: 'docker-host',
    risk: 'risky',
    mutates: true,
    document: 'DockerDisableSelinuxOption',
    maxSeconds: 60,
    parameters: {},
    permissions: ssmOnly,
  },
  'loop-devices-create': {
    id: 'loop-devices-create',
    title: 'Create missing /dev/loopN block devices up to a count',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'LoopDevicesCreate',
    maxSeconds: 120,
    parameters: {
      count: {
        type: 'integer',
        description: 'Total loop devices wanted',
        min: 8,
        max: 256,
        default: 64,
      },
    },
    permissions: ssmOnly,
  },
  'docker-prune-images': {
    id: 'docker-prune-images',
    title: 'Remove images not used by any container and older than a threshold',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'DockerPruneImages',
    maxSeconds: 660,
    parameters: {
      olderThanHours: {
        type: 'integer',
        description: 'Only images created before this many hours ago',
        min: 1,
        max: 8760,
        default: 24,
      },
    },
    permissions: ssmOnly,
  },
  'docker-prune-containers': {
    id: 'docker-prune-containers',
    title: 'Remove containers stopped more than a threshold ago',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'DockerPruneContainers',
    maxSeconds: 360,
    parameters: {
      olderThanHours: {
        type: 'integer',
        description: 'Only containers stopped before this many hours ago',
        min: 1,
        max: 8760,
        default: 24,
      },
    },
    permissions: ssmOnly,
  },
  'docker-truncate-container-logs': {
    id: 'docker-truncate-container-logs',
    title: 'Truncate json-file container logs larger than a size',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'DockerTruncateContainerLogs',
    maxSeconds: 120,
    parameters: {
      largerThanMb: {
        type: 'integer',
        description: 'Only logs larger than this many MiB',
        min: 10,
        max: 102400,
        default: 500,
      },
    },
    permissions: ssmOnly,
  },
  'journal-vacuum': {
    id: 'journal-vacuum',
    title: 'Shrink the systemd journal to a size',
    target: 'docker-host',
    risk: 'safe',
    mutates: true,
    document: 'JournalVacuum',
    maxSeconds: 330,
    parameters: {
      keepMb: {
        type: 'integer',
        description: 'Journal size to keep, MiB',
        min: 50,
        max: 10240,
        default: 500,
      },
    },
    permissions: ssmOnly,
  },
  'docker-restart-container': {
    id: 'docker-restart-container',
    title: 'Restart one container',
    target: 'docker-host',
    risk: 'risky',
    mutates: true,
    document: 'DockerRestartContainer',
    maxSeconds: 120,
    parameters: { container: containerName },
    permissions: ssmOnly,
  },
  'docker-stop-container': {
    id: 'docker-stop-container',
    title: 'Stop one container (it is not removed)',
    target: 'docker-host',
    risk: 'risky',
    mutates: true,
    document: 'DockerStopContainer',
    maxSeconds: 120,
    parameters: { container: containerName },
    permissions: ssmOnly,
  },
  'node-prune-images': {
    id: 'node-prune-images',
    title: 'Remove unused images on an EKS node (crictl rmi --prune)',
    target: 'eks-node',
    risk: 'safe',
    mutates: true,
    document: 'NodePruneImages',
    maxSeconds: 660,
    parameters: {},
    permissions: ssmOnly,
  },
  'node-journal-vacuum': {
    id: 'node-journal-vacuum',
    title: 'Shrink the systemd journal on an EKS node',
    target: 'eks-node',
    risk: 'safe',
    mutates: true,
    document: 'JournalVacuum',
    maxSeconds: 330,
    parameters: {
      keepMb: {
        type: 'integer',
        description: 'Journal size to keep, MiB',
        min: 50,
        max: 10240,
        default: 500,
      },
    },
    permissions: ssmOnly,
  },
  'node-restart-runtime': {
    id: 'node-restart-runtime',
    title: 'Restart containerd then kubelet on an EKS node',
    target: 'eks-node',
    risk: 'risky',
    mutates: true,
    document: 'NodeRestartRuntime',
    maxSeconds: 420,
    parameters: {},
    permissions: ssmOnly,
  },
  'k8s-cordon-node': {
    id: 'k8s-cordon-node',
    title: 'Mark a node unschedulable',
    target: 'kubernetes',
    risk: 'safe',
    mutates: true,
    parameters: { node: nodeName },
    permissions: { iam: ['eks:DescribeCluster'], kubernetes: ['get nodes', 'patch nodes'] },
    inverse: 'k8s-uncordon-node',
  },
  'k8s-uncordon-node': {
    id: 'k8s-uncordon-node',
    title: 'Mark a node schedulable again',
    target: 'kubernetes',
    risk: 'safe',
    mutates: true,
    parameters: { node: nodeName },
    permissions: { iam: ['eks:DescribeCluster'], kubernetes: ['get nodes', 'patch nodes'] },
  },
  'k8s-drain-node': {
    id: 'k8s-drain-node',
    title: 'Evict the pods of a node through the Eviction API, honouring PodDisruptionBudgets',
    target: 'kubernetes',
    risk: 'risky',
    mutates: true,
    parameters: {
      node: nodeName,
      // At most 12 minutes: the drain runs inside one RemediateStep invocation, whose Lambda timeout
      // is 825 s (taskFunctionTimeout of a long Task, cdk/workflow/workflow-definition.ts); the rest
      // is for cordon, the undo and the audit write. A drain that needs longer gives up, reports, and the workflow escalates.
      timeoutSeconds: {
        type: 'integer',
        description: 'Give up (and report) after this long',
        min: 30,
        max: 720,
        default: 600,
      },
    },
    permissions: {
      iam: ['eks:DescribeCluster'],
      kubernetes: ['get nodes', 'patch nodes', 'list pods', 'create pods/eviction', 'get pods'],
    },
  },
  'k8s-delete-pod': {
    id: 'k8s-delete-pod',
    title: 'Delete one pod so its controller recreates it',
    target: 'kubernetes',
    risk: 'risky',
    mutates: true,
    parameters: { namespace, pod: podName },
    permissions: { iam: ['eks:DescribeCluster'], kubernetes: ['get pods', 'delete pods'] },
  },
  'k8s-rollout-restart': {
    id: 'k8s-rollout-restart',
    title: 'Rollout-restart a Deployment or DaemonSet (restartedAt annotation)',
    target: 'kubernetes',
    risk: 'risky',
    mutates: true,
    parameters: {
      namespace,
      kind: {
        type: 'string',
        description: 'Workload kind',
        allowedPattern: '^(Deployment|DaemonSet|StatefulSet)$',
      },
      name: {
        type: 'string',
        description: 'Workload name',
        allowedPattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$',
      },
    },
    permissions: {
      iam: ['eks:DescribeCluster'],
      kubernetes: [
        'get deployments',
        'get daemonsets',
        'get statefulsets',
        'patch deployments',
        'patch daemonsets',
        'patch statefulsets',
      ],
    },
  },
  'k8s-restart-coredns': {
    id: 'k8s-restart-coredns',
    title: 'Rollout-restart the CoreDNS deployment in kube-system',
    target: 'kubernetes',
    risk: 'risky',
    mutates: true,
    parameters: {},
    permissions: {
      iam: ['eks:DescribeCluster'],
      kubernetes: ['get deployments', 'patch deployments'],
    },
  },
  'node-replace': {
    id: 'node-replace',
    title:
      'Terminate a node through its Auto Scaling group so it is replaced (never the last Ready node)',
    target: 'aws',
    risk: 'risky',
    mutates: true,
    parameters: { node: nodeName },
    permissions: {
      iam: [
        'eks:DescribeCluster',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:TerminateInstanceInAutoScalingGroup',
      ],
      kubernetes: ['list nodes'],
    },
  },
  'nodegroup-scale-up': {
    id: 'nodegroup-scale-up',
    title: 'Raise the desired size of the node group by a step, within its maximum',
    target: 'aws',
    risk: 'risky',
    mutates: true,
    parameters: {
      step: { type: 'integer', description: 'Nodes to add', min: 1, max: 10, default: 1 },
    },
    permissions: {
      iam: ['eks:DescribeCluster', 'eks:DescribeNodegroup', 'eks:UpdateNodegroupConfig'],
      kubernetes: ['get nodes'],
    },
  },
} as const satisfies Record<string, ActionDefinition>;

/** Id of a catalogue action. */
export type ActionId = keyof typeof ACTION_CATALOG;

/** Looks an action up; undefined for ids outside the catalogue. */
export function findAction(id: string): ActionDefinition | undefined {
  return (ACTION_CATALOG as Record<string, ActionDefinition>)[id];
}

/** All actions, in catalogue order. */
export function listActions(): readonly ActionDefinition[] {
  return Object.values(ACTION_CATALOG);
}
