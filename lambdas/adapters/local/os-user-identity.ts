/** The caller of a local run: the operating-system user running this process (what the OS authenticated). */
import { userInfo } from 'node:os';
import type { CallerIdentity } from '../../core/workflow/caller-identity.js';

/** `user:<login name>` (uid when the account has no name), whatever the run's input claims. */
export function osUserIdentity(): CallerIdentity {
  return {
    authenticatedActor: async () => {
      try {
        return `user:${userInfo().username}`;
      } catch {
        return `user:uid-${process.getuid?.() ?? 'unknown'}`;
      }
    },
  };
}
