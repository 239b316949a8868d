/**
 * Collector benchmark: wall time and output size of the Docker-host collector on this host,
 * against a healthy dockerd of our own with 20 running containers, beside the 5 s target and the 40 s budget.
 * Needs root, dockerd and busybox-static (the integration lab); says so and returns otherwise.
 */
import { DockerLab, labUnavailableReason } from '../test/integration/docker/docker-lab.js';

const BUDGET_SECONDS = 40;
const TARGET_SECONDS = 5;
const TARGET_BYTES = 1024 * 1024;
const CONTAINERS = 20;

/** Prints `collector: <s> wall, <bytes> output, <n> sections` per run, then the median time and size. */
export async function run(): Promise<void> {
  const unavailable = labUnavailableReason();
  if (unavailable) {
    console.log(`collector: skipped (${unavailable})`);
    return;
  }
  const lab = new DockerLab('bench');
  try {
    await lab.setUp();
    const daemon = await lab.startDaemon('bench');
    lab.importBusybox(daemon);
    for (let i = 0; i < CONTAINERS; i++) {
      const r = lab.docker(daemon, ['run', '-d', '--name', `bench-${i}`, '--expose', '8080', 'pm/busybox:1', 'httpd', '-f', '-p', '8080']);
      if (r.code !== 0) throw new Error(`docker run bench-${i}: ${r.stderr}`);
    }
    const times: number[] = [];
    const sizes: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const started = performance.now();
      const bundle = await lab.collect(daemon, {}, { PARAMEDIC_IO_SAMPLE_SECONDS: '2' });
      const seconds = (performance.now() - started) / 1000;
      times.push(seconds);
      const bytes = Buffer.byteLength(JSON.stringify(bundle));
      sizes.push(bytes);
      const skipped = Object.entries(bundle.sections).filter(([, s]) => s.error?.startsWith('skipped')).map(([n]) => n);
      if (skipped.length) console.log(`collector run ${round}: sections skipped for time: ${skipped.join(', ')}`);
      const largest = Object.entries(bundle.sections).sort((a, b) => b[1].output.length - a[1].output.length)[0]!;
      console.log(`collector (docker host, ${CONTAINERS} containers) run ${round}: ${seconds.toFixed(2)} s wall (budget ${BUDGET_SECONDS} s), ` +
        `${(bytes / 1024).toFixed(1)} KiB, ${Object.keys(bundle.sections).length} sections, largest ${largest[0]} ${(largest[1].output.length / 1024).toFixed(1)} KiB`);
    }
    times.sort((a, b) => a - b);
    sizes.sort((a, b) => a - b);
    console.log(`collector median: ${times[1]!.toFixed(2)} s (target ${TARGET_SECONDS} s, budget ${BUDGET_SECONDS} s; includes a 2 s io sample), ` +
      `size ${(sizes[1]! / 1024).toFixed(1)} KiB (bound ${TARGET_BYTES / 1024} KiB)`);
  } finally {
    await lab.tearDown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
