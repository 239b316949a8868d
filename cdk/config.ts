/**
 * The deployment's configuration as the CDK app reads it: `context.paramedic` of a construct's
 * node, parsed by the one parser `paramedic coverage` also uses (lambdas/core/deployment-config.ts).
 */
import type { Node } from 'constructs';
import { type ParamedicConfig, parseConfig } from '../lambdas/core/deployment-config.js';

export * from '../lambdas/core/deployment-config.js';

/** Reads and validates `context.paramedic` from a construct's node. */
export function loadConfig(node: Node): ParamedicConfig {
  return parseConfig(node.tryGetContext('paramedic'));
}
