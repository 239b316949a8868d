import fc from 'fast-check';
import { afterAll } from 'vitest';

/** Runs per property: small and fixed in CI, large for `npm run fuzz` (PARAMEDIC_FUZZ_RUNS). */
export const FUZZ_RUNS = Number(process.env.PARAMEDIC_FUZZ_RUNS ?? 300);
/** One seed for every property, so a CI failure replays exactly (PARAMEDIC_FUZZ_SEED). */
export const FUZZ_SEED = Number(process.env.PARAMEDIC_FUZZ_SEED ?? 13013);
/** An input that costs more CPU than this is a hang. */
export const HANG_MS = Number(process.env.PARAMEDIC_FUZZ_HANG_MS ?? 2000);

/**
 * CPU milliseconds this process has used. Hangs and complexity are judged on CPU time, not wall
 * time: on a shared 2-core machine other processes stretch wall time by 5x and more, while the
 * work an input costs (what a linear-time guarantee is about) stays the same.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** What a fuzzed entry point may throw: its own error types, each one line, no stack trace in the message. */
export type Expected = readonly (abstract new (...args: never[]) => Error)[];

interface Tally {
  inputs: number;
  rejected: number;
  crashes: number;
  hangs: number;
  firstCrash?: string;
}

/** Counts across one test file; printed as one summary line when the file ends. */
export function fuzzTally(suite: string): {
  check<T>(input: T, body: (input: T) => unknown, expected: Expected): void;
  checkAsync<T>(input: T, body: (input: T) => Promise<unknown>, expected: Expected): Promise<void>;
  readonly tally: Tally;
} {
  const tally: Tally = { inputs: 0, rejected: 0, crashes: 0, hangs: 0 };
  afterAll(() => {
    process.stdout.write(
      `fuzz ${suite}: inputs ${tally.inputs}, rejected ${tally.rejected}, crashes ${tally.crashes}, hangs ${tally.hangs} (seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs per property)\n`,
    );
  });
  const judge = (error: unknown, expected: Expected, input: unknown) => {
    const ok =
      expected.some((E) => error instanceof E) &&
      error instanceof Error &&
      !error.message.includes('\n') &&
      !/\n?\s+at .+:\d+:\d+/.test(error.message);
    if (ok) {
      tally.rejected++;
      return;
    }
    tally.crashes++;
    tally.firstCrash ??= `${(error as Error)?.stack ?? String(error)} for ${JSON.stringify(input)?.slice(0, 300)}`;
    throw error;
  };
  const timed = (started: number) => {
    if (cpuMs() - started > HANG_MS) tally.hangs++;
  };
  // Async entry points wait on loopback I/O, which CPU time does not see: wall time, with room for a busy machine.
  const timedAsync = (started: number) => {
    if (performance.now() - started > HANG_MS * 5) tally.hangs++;
  };
  return {
    tally,
    check(input, body, expected) {
      tally.inputs++;
      const started = cpuMs();
      try {
        body(input);
      } catch (error) {
        judge(error, expected, input);
      } finally {
        timed(started);
      }
    },
    async checkAsync(input, body, expected) {
      tally.inputs++;
      const started = performance.now();
      try {
        await body(input);
      } catch (error) {
        judge(error, expected, input);
      } finally {
        timedAsync(started);
      }
    },
  };
}

/** fast-check parameters shared by every property. */
export const fuzzParameters = (runs = FUZZ_RUNS): fc.Parameters<unknown> => ({
  numRuns: runs,
  seed: FUZZ_SEED,
  endOnFailure: true,
});

/** Strings an attacker would write: control characters, quotes, shell and HTML metacharacters, long runs, unicode. */
export const hostileString = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(
      '',
      ' ',
      '\n',
      '\u0000',
      '$(id)',
      '`id`',
      "'; rm -rf / #",
      '<script>alert(1)</script>',
      '../../etc/passwd',
      '%00',
      '\u202e',
      'i-0123456789abcdef0',
      'eks:prod/ip-10-0-0-1.ec2.internal',
      'disk-full',
      'A'.repeat(5000),
    ),
    fc.tuple(fc.string({ maxLength: 8 }), fc.nat({ max: 2000 })).map(([s, n]) => s.repeat(n)),
  );
