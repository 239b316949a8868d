/**
 * What a test needs from the machine beyond Node and the npm packages: root, the Docker engine,
 * Debian's chromium, shellcheck. On a developer machine a missing piece skips the tests
 * that need it, with the reason in their name (and in the end-of-run list printed by
 * test/support/skip-summary-reporter.ts). Under `CI=true` a missing piece is an error instead:
 * `.ci/run` installs everything, so a skip there would hide a test that silently stopped running.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Something a test can need from the machine. */
export type Requirement = 'root' | 'docker' | 'chromium' | 'shellcheck' | 'strace';

/** Where the console tests find the browser (Debian's package). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** True when `file` is a regular file this process may execute. */
function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutableFile);
}

const missingTool = (name: string, apt: string) =>
  findOnPath(name) ? null : `${name} is not installed (apt-get install ${apt})`;

/** Why each requirement is not met on this machine, or null when it is. */
const CHECKS: Record<Requirement, () => string | null> = {
  root: () => (process.getuid?.() === 0 ? null : 'needs root'),
  docker: () => missingTool('dockerd', 'docker.io') ?? missingTool('docker', 'docker.io'),
  chromium: () =>
    isExecutableFile(CHROMIUM_PATH)
      ? null
      : `${CHROMIUM_PATH} is not installed (apt-get install chromium)`,
  shellcheck: () => missingTool('shellcheck', 'shellcheck'),
  strace: () => missingTool('strace', 'strace'),
};

/** Whether tests needing some requirements run here, and if not why. */
export interface RequirementCheck {
  /** True when something is missing (never under CI=true: that throws). */
  readonly skip: boolean;
  /** What is missing, e.g. `/usr/bin/chromium is not installed (apt-get install chromium)`; empty when nothing is. */
  readonly reason: string;
  /** `title`, plus ` [skipped: <reason>]` when skipping, for a describe or test name. */
  title(title: string): string;
}

/**
 * Checks what a group of tests needs.
 * @throws Error under `CI=true` when anything is missing (CI must run every test).
 * @example
 * const browser = requires('chromium');
 * describe.skipIf(browser.skip)(browser.title('console in a real browser'), () => { ... });
 */
export function requires(...needed: readonly Requirement[]): RequirementCheck {
  const reason = needed
    .map((r) => CHECKS[r]())
    .filter((m): m is string => m !== null)
    .join('; ');
  if (reason && process.env.CI)
    throw new Error(
      `CI=true and a test requirement is missing: ${reason}. .ci/run installs it; a CI run must not skip tests.`,
    );
  return {
    skip: reason !== '',
    reason,
    title: (title) => (reason ? `${title} [skipped: ${reason}]` : title),
  };
}
