/**
 * Which sections hold what the collector's own commands printed at collection time (`docker ps`,
 * `docker info`, `systemctl status`, `df`), as opposed to logs replayed from the past. A line of
 * such a section without a timestamp is the state of the host when the bundle was collected:
 * "now", after every line any log recorded. A stamp-less line of a log (a container's output,
 * a pasted journal) has no known time at all.
 *
 * Sections that mix state with history are left out: `kubectl describe` prints an events table
 * (k8s.node, k8s.pods), and `k8s.events` is history by definition. `docker inspect` is state, but an
 * exited container's State is as old as its FinishedAt: the window places those lines by it
 * (ended-state-time.ts) before this "now" is ever asked.
 */
const COLLECTION_TIME_SECTIONS: ReadonlySet<string> = new Set([
  'host.os',
  'host.services',
  'docker.cli',
  'docker.ps',
  'docker.inspect',
  'docker.system-df',
  'docker.daemon-config',
  'disk.df',
  'disk.inodes',
  'net.addr',
  'net.sockets',
  'crictl.ps',
  'k8s.cluster',
]);

/**
 * Whether a section's stamp-less lines show the host as it was at collection time.
 * @example isCollectionTimeSection('docker.ps') // true: the table printed when the bundle was taken
 */
export function isCollectionTimeSection(section: string): boolean {
  return COLLECTION_TIME_SECTIONS.has(section);
}
