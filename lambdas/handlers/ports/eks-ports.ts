/**
 * The `cluster` and `executors` ports: the configured EKS clusters' API (eks-clients.ts). Both are
 * lazy ports: @kubernetes/client-node and the EKS client load on the first call, in their own
 * chunk, so an invocation with no Kubernetes target (a Docker host, an Auto Scaling group) never
 * loads them and the function's cold start does not either.
 */
import type { ActionExecutor, ClusterPort } from '../../core/workflow/ports.js';
import { workflowConfigFrom, type PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Read-only cluster access: alarm resolution, the incident view, Verify's state re-read. */
export const eksClusterPorts: PortFactory = {
  provides: ['cluster'],
  create: (env) => ({
    cluster: lazyPort<ClusterPort>(async () =>
      (await import('./eks-clients.js')).eksClusterPort(env),
    ),
  }),
};

/** The `kubernetes` and `aws` action executors (one instance for both; dry run when the deployment is). */
export const eksActionPorts: PortFactory = {
  provides: ['executors'],
  create: (env) => {
    // Read now, so a malformed PARAMEDIC_CONFIG fails the cold start's port wiring as before.
    const dryRun = workflowConfigFrom(env).dryRun ?? false;
    const executor = lazyPort<ActionExecutor>(async () =>
      (await import('./eks-clients.js')).eksActionExecutor(env, dryRun),
    );
    return { executors: { kubernetes: executor, aws: executor } };
  },
};
