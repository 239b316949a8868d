/**
 * The hub's side of many accounts: its bus admits the spokes' forwarded alarms (only
 * `aws.cloudwatch` events, so a spoke cannot put run requests), a second alarm rule on that bus
 * starts the workflow for them, and the functions that act on targets may assume the spoke role
 * (cdk/stacks/spoke-stack.ts) with the ExternalId, which their environment carries.
 */
import { Aws } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SPOKE_ENV, spokeRoleName } from '../../lambdas/adapters/sts/spoke-role.js';
import type { SpokesConfig } from '../config.js';
import type { HouseFunction } from './house-function.js';

/** Props of {@link SpokeAccess}. */
export interface SpokeAccessProps {
  readonly spokes: SpokesConfig;
  /** The hub's Paramedic bus, which the spokes' rules put their alarms on. */
  readonly bus: events.IEventBus;
  /** The deployment name (part of the spoke role's name). @default none */
  readonly deploymentName?: string;
}

/** Bus policy for the spokes, and the grants of the functions that assume their role. */
export class SpokeAccess extends Construct {
  /** The bus policies (accounts, organization). */
  public readonly busPolicies: readonly events.CfnEventBusPolicy[];
  private readonly props: SpokeAccessProps;

  constructor(scope: Construct, id: string, props: SpokeAccessProps) {
    super(scope, id);
    this.props = props;
    const { spokes, bus } = props;
    const onlyAlarms = { StringEquals: { 'events:source': 'aws.cloudwatch' } };
    const policies: events.CfnEventBusPolicy[] = [];
    if (spokes.accounts.length > 0) {
      policies.push(
        new events.CfnEventBusPolicy(this, 'AdmitAccounts', {
          eventBusName: bus.eventBusName,
          statementId: 'ParamedicSpokeAccounts',
          statement: {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: bus.eventBusArn,
            Principal: { AWS: spokes.accounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:root`) },
            Condition: onlyAlarms,
          },
        }),
      );
    }
    if (spokes.organizationId) {
      policies.push(
        new events.CfnEventBusPolicy(this, 'AdmitOrganization', {
          eventBusName: bus.eventBusName,
          statementId: 'ParamedicSpokeOrganization',
          statement: {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: bus.eventBusArn,
            Principal: '*',
            Condition: {
              ...onlyAlarms,
              StringEquals: {
                ...onlyAlarms.StringEquals,
                'aws:PrincipalOrgID': spokes.organizationId,
              },
            },
          },
        }),
      );
    }
    this.busPolicies = policies;
  }

  /** ARN patterns of the spoke roles the functions may assume (every region of each account; any account of the organization). */
  get assumableRoleArns(): string[] {
    const { spokes, deploymentName } = this.props;
    const roleIn = (account: string): string =>
      `arn:${Aws.PARTITION}:iam::${account}:role/${spokeRoleName(deploymentName, '*')}`;
    return [...spokes.accounts.map(roleIn), ...(spokes.organizationId ? [roleIn('*')] : [])];
  }

  /** Lets `fn` assume the spoke role in the spoke accounts (any region), and tells it how. */
  grantAssume(fn: HouseFunction): void {
    const { spokes, deploymentName } = this.props;
    const [byAccount, byOrganization] = [
      this.assumableRoleArns.slice(0, spokes.accounts.length),
      this.assumableRoleArns.slice(spokes.accounts.length),
    ];
    if (byAccount.length > 0)
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: byAccount }),
      );
    if (byOrganization.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: byOrganization,
          conditions: { StringEquals: { 'aws:ResourceOrgID': spokes.organizationId } },
        }),
      );
    }
    fn.addEnvironment(SPOKE_ENV.hubAccount, Aws.ACCOUNT_ID);
    fn.addEnvironment(SPOKE_ENV.deployment, deploymentName ?? '');
    fn.addEnvironment(SPOKE_ENV.externalId, spokes.externalId);
  }
}
