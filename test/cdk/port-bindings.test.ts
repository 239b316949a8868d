import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { remediationPermissions } from '../../cdk/constructs/cluster-rbac.js';
import {
  WORKFLOW_TASK_NAMES,
  type WorkflowTaskName,
} from '../../lambdas/core/workflow/task-names.js';
import { EVENT_BUS_ENV } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import { ENV, TASK_PORTS, type PortName } from '../../lambdas/handlers/environment.js';
import { SSM_RUNNER_ENV } from '../../lambdas/adapters/ssm/ssm-runner-environment.js';

const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  paramedic: {
    alarmNamePrefixes: ['prod-'],
    eksClusters: ['prod'],
    dryRun: false,
    automaticRemediation: true,
  },
};

/** The variables each port's adapter reads (what the binding must set, and nothing else). */
const PORT_VARIABLES: Readonly<Record<PortName, readonly string[]>> = {
  audit: [ENV.auditTable],
  state: [ENV.stateTable],
  idempotency: [ENV.idempotencyTable],
  stateDocuments: [ENV.evidenceBucket],
  commands: [ENV.evidenceBucket, SSM_RUNNER_ENV.managedInstanceTag],
  evidence: [ENV.evidenceBucket],
  notifier: [ENV.topicArn],
  events: [EVENT_BUS_ENV],
  targets: [],
  managedTags: [SSM_RUNNER_ENV.managedInstanceTag],
  alarms: [],
  rulebook: [],
  cluster: [],
  executors: [],
  taskCallback: [],
  groups: [],
};
const ALL_PORT_VARIABLES = [...new Set(Object.values(PORT_VARIABLES).flat())];

let built: ParamedicApp;
let template: Template;

beforeAll(() => {
  built = createApp({ context: CONTEXT });
  template = Template.fromStack(built.pipeline);
});

/** The function resource of a Task, found through its construct (no hard-coded logical id). */
function functionOf(task: WorkflowTaskName): Record<string, any> {
  const id = built.pipeline.getLogicalId(
    built.pipeline.functions[task].node.defaultChild as CfnFunction,
  );
  return template.findResources('AWS::Lambda::Function')[id]!;
}

/** Every action granted to a Task's role. */
function actionsOf(task: WorkflowTaskName): string[] {
  const roleId = built.pipeline.getLogicalId(
    built.pipeline.functions[task].executionRole.node.defaultChild as never,
  );
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap((p: any) =>
    p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()),
  );
}

describe('each workflow function gets exactly the environment and grants of the ports its handler wires', () => {
  it.each(WORKFLOW_TASK_NAMES)(
    '%s: its port variables are those of TASK_PORTS, no more',
    (task) => {
      const variables = Object.keys(functionOf(task).Properties.Environment.Variables).filter((v) =>
        ALL_PORT_VARIABLES.includes(v),
      );
      const expected = [
        ...new Set((Object.keys(TASK_PORTS[task]) as PortName[]).flatMap((p) => PORT_VARIABLES[p])),
      ];

      expect(variables.sort()).toEqual(expected.sort());
    },
  );

  it.each(WORKFLOW_TASK_NAMES)(
    '%s: may publish to the topic only when it wires the notifier',
    (task) => {
      expect(actionsOf(task).includes('sns:Publish')).toBe(TASK_PORTS[task].notifier !== undefined);
    },
  );

  it.each(WORKFLOW_TASK_NAMES)(
    '%s: may put events on the bus only when it wires the events port',
    (task) => {
      expect(actionsOf(task).includes('events:PutEvents')).toBe(
        TASK_PORTS[task].events !== undefined,
      );
    },
  );

  it.each(WORKFLOW_TASK_NAMES)(
    '%s: may write to the bucket only when it wires evidence read/write or stateDocuments (results by reference)',
    (task) => {
      expect(actionsOf(task).some((a) => a.startsWith('s3:PutObject'))).toBe(
        TASK_PORTS[task].evidence === 'readWrite' ||
          TASK_PORTS[task].stateDocuments === 'readWrite',
      );
    },
  );

  it.each(WORKFLOW_TASK_NAMES)(
    '%s: runs SSM documents only when it wires the commands port',
    (task) => {
      expect(actionsOf(task).includes('ssm:SendCommand')).toBe(
        TASK_PORTS[task].commands !== undefined,
      );
    },
  );

  it('the targets port grants the Auto Scaling and EC2 lookups, the alarms port DescribeAlarms and DescribeAlarmHistory', () => {
    expect(actionsOf('Intake')).toEqual(
      expect.arrayContaining(['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances']),
    );
    for (const task of WORKFLOW_TASK_NAMES) {
      // Action documents bring the catalogue's own needs (node-replace reads its Auto Scaling group).
      const byCatalogue = TASK_PORTS[task].commands === 'actions';
      // The groups port (Plan) reads a target's group too.
      expect(actionsOf(task).includes('autoscaling:DescribeAutoScalingGroups')).toBe(
        TASK_PORTS[task].targets !== undefined ||
          TASK_PORTS[task].groups !== undefined ||
          byCatalogue,
      );
      expect(actionsOf(task).includes('cloudwatch:DescribeAlarms')).toBe(
        TASK_PORTS[task].alarms !== undefined,
      );
      // Intake confirms an alarm that has left ALARM since its event from the alarm's history.
      expect(actionsOf(task).includes('cloudwatch:DescribeAlarmHistory')).toBe(
        TASK_PORTS[task].alarms !== undefined,
      );
    }
  });

  it.each(WORKFLOW_TASK_NAMES)(
    '%s: may describe the configured clusters only when it wires the cluster, executors or groups port',
    (task) => {
      const roleId = built.pipeline.getLogicalId(
        built.pipeline.functions[task].executionRole.node.defaultChild as never,
      );
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
      });
      const describe = Object.values(policies)
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => [s.Action].flat().includes('eks:DescribeCluster'));

      expect(describe.length > 0).toBe(
        TASK_PORTS[task].cluster !== undefined ||
          TASK_PORTS[task].executors !== undefined ||
          TASK_PORTS[task].groups !== undefined,
      );
      for (const s of describe) expect(JSON.stringify(s.Resource)).toContain(':cluster/prod');
    },
  );

  it.each(WORKFLOW_TASK_NAMES)(
    '%s: may call the Kubernetes/AWS node actions (node groups, Auto Scaling terminate) only when it wires the executors port',
    (task) => {
      expect(actionsOf(task).includes('eks:UpdateNodegroupConfig')).toBe(
        TASK_PORTS[task].executors !== undefined,
      );
      expect(actionsOf(task).includes('autoscaling:TerminateInstanceInAutoScalingGroup')).toBe(
        TASK_PORTS[task].executors !== undefined,
      );
    },
  );

  it('the EKS access entries follow the ports: readers get the view policy, the executors (RemediateStep, Escalate) the remediation group', () => {
    const entries = built.pipeline.clusterAccess!.accessEntries.get('prod')!;
    const principals = entries.map((e) => JSON.stringify(built.pipeline.resolve(e.principalArn)));
    // Plan reads node groups through the cluster (groups port): a reader too. RemediateStep reads
    // them as well (its group share re-check), with its one entry: the remediation group's.
    const readers = WORKFLOW_TASK_NAMES.filter(
      (t) =>
        (TASK_PORTS[t].cluster !== undefined || TASK_PORTS[t].groups !== undefined) &&
        TASK_PORTS[t].executors === undefined,
    );
    expect(remediationPermissions()).toEqual(expect.arrayContaining(['get nodes', 'list nodes']));
    const roleArn = (t: WorkflowTaskName) =>
      JSON.stringify(built.pipeline.resolve(built.pipeline.functions[t].executionRole.roleArn));

    const actors = WORKFLOW_TASK_NAMES.filter((t) => TASK_PORTS[t].executors !== undefined);
    expect(actors).toEqual(['RemediateStep', 'Escalate']);
    expect(principals.slice(0, readers.length).sort()).toEqual(readers.map(roleArn).sort());
    expect(principals.slice(readers.length)).toEqual(actors.map(roleArn));
  });

  it('the idempotency table is bound to exactly the tasks that declare it', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.idempotencyTable]: Match.anyValue() }) },
    });
    for (const task of WORKFLOW_TASK_NAMES) {
      expect(ENV.idempotencyTable in functionOf(task).Properties.Environment.Variables).toBe(
        TASK_PORTS[task].idempotency !== undefined,
      );
    }
  });
});
