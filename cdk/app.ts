/**
 * Builds the Paramedic CDK app: config validated from context, the two stacks joined by typed
 * props, and cdk-nag AwsSolutions checks as a validation plugin with every acknowledgement
 * justified in cdk/nag-acknowledgements.ts.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from './config.js';
import { deploymentNames } from './deployment-names.js';
import { acknowledgeFindings } from './nag-acknowledgements.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { SpokeStack } from './stacks/spoke-stack.js';
import { StateStack } from './stacks/state-stack.js';

/** The app and its stacks. */
export interface ParamedicApp {
  readonly app: App;
  readonly state: StateStack;
  readonly pipeline: PipelineStack;
  /** The spoke stack, when `spokes` is configured (deployed to each spoke account/region, not to the hub). */
  readonly spoke?: SpokeStack;
}

/** Creates the app (used by bin/app.ts and by the tests). */
export function createApp(props: AppProps = {}, options: { nag?: boolean } = {}): ParamedicApp {
  // Explicit reference strength (CDK warns when it is left to its default). Server access logs are
  // allowed by a bucket policy rather than the legacy LogDeliveryWrite ACL (cfn-lint W3045).
  const app = new App({
    ...props,
    context: {
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      ...props.context,
    },
  });
  const config = loadConfig(app.node);
  const names = deploymentNames(config);
  // Only an explicit account/region pins the stacks: the CLI's CDK_DEFAULT_REGION falls back to
  // us-east-1 when no region is configured, which would bake the wrong region into every ARN.
  // Without one the stacks are environment-agnostic and take the region of the deploy.
  const env =
    config.account || config.region
      ? {
          ...(config.account ? { account: config.account } : {}),
          ...(config.region ? { region: config.region } : {}),
        }
      : undefined;
  const state = new StateStack(app, names.stateStackId, {
    ...(env ? { env } : {}),
    config,
    exportPrefix: names.exportPrefix,
    description: 'Paramedic: evidence, audit trail and state (retained)',
  });
  const pipeline = new PipelineStack(app, names.pipelineStackId, {
    ...(env ? { env } : {}),
    config,
    names,
    key: state.key,
    evidenceBucket: state.evidenceBucket,
    auditStore: state.auditStore,
    description: 'Paramedic: alarm intake, SSM documents, workflow and functions',
  });
  // Environment-agnostic on purpose: one template for every spoke account and region (StackSets).
  const spoke = config.spokes
    ? new SpokeStack(app, names.spokeStackId, {
        config,
        names,
        description:
          'Paramedic spoke: the role the hub assumes, SSM documents, alarm forwarding to the hub',
      })
    : undefined;
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeFindings({ state, pipeline, ...(spoke ? { spoke } : {}) });
  }
  return { app, state, pipeline, ...(spoke ? { spoke } : {}) };
}
