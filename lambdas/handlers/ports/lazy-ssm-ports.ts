/**
 * The `commands` port for steps that run documents on some paths only: Plan (its dry runs, when the
 * deployment is in dry-run mode), RemediateStep and Escalate (host steps and their rollback; a
 * report or Kubernetes step runs none). The SSM client (~95 KiB with its protocol) loads in its
 * own chunk on the first command, so the other paths' cold starts do not load it. The steps that
 * send or read commands on every invocation wire ssm-ports.ts directly.
 */
import type { CommandRunner } from '../../core/workflow/ports.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { lazyPort } from './lazy-port.js';

/** SSM Run Command, loaded on the first command. */
export const lazySsmCommandPorts: PortFactory = {
  provides: ['commands'],
  create: (env) => {
    // Read now, so a missing variable fails the cold start's port wiring as the eager factory does.
    requiredEnvironment(env, ENV.evidenceBucket);
    requiredEnvironment(env, ENV.stateTable);
    return {
      commands: lazyPort<CommandRunner>(
        async () => (await import('./ssm-ports.js')).ssmCommandPorts.create(env).commands!,
      ),
    };
  },
};
