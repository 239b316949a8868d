/**
 * The workflow's ASL as CDK synthesizes it, with intrinsics resolved: what the local pipeline
 * executes with aws-local-stepfunctions, overriding each Task by state name with the same
 * functions the Lambdas run (`createWorkflowTasks`). No bundling, no AWS: a throwaway Stack with
 * inline placeholder functions, since only the definition matters here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  WORKFLOW_TASK_NAMES,
  type WorkflowTaskName,
} from '../../lambdas/core/workflow/task-names.js';
import { resolveCfn } from './resolve-cfn.js';
import { buildWorkflowDefinition, type WorkflowDefinitionProps } from './workflow-definition.js';

/** Options of the rendering (same meaning as in the deployed stack). */
export type RenderOptions = Omit<WorkflowDefinitionProps, 'functions'>;

/** Synthesizes the definition in a throwaway Stack and returns the resolved ASL (a fresh object each call). */
export function renderWorkflowAsl(options: RenderOptions = {}): Record<string, unknown> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ParamedicWorkflowRender', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const functions = Object.fromEntries(
    WORKFLOW_TASK_NAMES.map((name) => [
      name,
      new lambda.Function(stack, `${name}Function`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({})'),
        timeout: Duration.minutes(1),
      }),
    ]),
  ) as unknown as Record<WorkflowTaskName, lambda.IFunction>;
  const machine = new sfn.StateMachine(stack, 'Workflow', {
    definitionBody: sfn.DefinitionBody.fromChainable(
      buildWorkflowDefinition(stack, { ...options, functions }),
    ),
  });
  const definition = stack.resolve(
    (machine.node.defaultChild as sfn.CfnStateMachine).definitionString,
  );
  const text = resolveCfn(definition);
  return JSON.parse(typeof text === 'string' ? text : JSON.stringify(text)) as Record<
    string,
    unknown
  >;
}
