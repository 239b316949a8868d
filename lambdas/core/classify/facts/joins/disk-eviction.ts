import type { Fact } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';
import { evictionConfig, type FsThreshold } from './kubelet-eviction-config.js';

/** Where the kubelet keeps its own data (nodefs) and where container runtimes keep images (imagefs). */
const PATHS = {
  nodefs: ['/var/lib/kubelet'],
  imagefs: ['/var/lib/containerd', '/var/lib/docker'],
} as const;

// Rows that are no disk the kubelet measures: memory filesystems, container layers, union mounts.
const NOT_A_DISK = /^(tmpfs|devtmpfs|overlay|overlayfs|aufs|shm|none|udev|cgroup2?|squashfs)$/;

/** A df row as the disk.usage fact reads it. */
interface Row {
  readonly fact: Fact;
  readonly mount: string;
  readonly available: number;
  readonly size: number;
}

// df -h prints a decimal comma under some locales (2,9G).
const SUFFIXED = /^(\d{1,15}(?:[.,]\d{1,6})?)([KMGTPE])?$/i;
const POWERS = 'KMGTPE';

/** A df size column as a count: bare numbers in the header's blocks, df -h's suffixes in powers of 1024. */
function dfAmount(token: unknown, blockBytes: unknown): number | null {
  if (typeof token !== 'string') return null;
  const m = SUFFIXED.exec(token);
  if (!m) return null;
  const n = Number(m[1]!.replace(',', '.'));
  if (m[2]) return n * 1024 ** (POWERS.indexOf(m[2].toUpperCase()) + 1);
  // A bare number under a "Size" header (df -h prints 0 for empty) counts as bytes.
  return n * (typeof blockBytes === 'number' ? blockBytes : 1);
}

/** What df shows: the last row per mount point of each type (real disks only), and every mount point. */
interface DfView {
  readonly blocks: Map<string, Row>;
  readonly inodes: Map<string, Row>;
  /** Mount points of every row, union layers included (`/var/lib/docker/overlay2/…/merged`). */
  readonly mounts: Set<string>;
}

function dfView(facts: readonly Fact[]): DfView {
  const rows: DfView = { blocks: new Map(), inodes: new Map(), mounts: new Set() };
  for (const fact of facts) {
    const { type, mount, filesystem, avail, size, blockBytes } = fact.fields;
    if ((type !== 'blocks' && type !== 'inodes') || typeof mount !== 'string') continue;
    rows.mounts.add(mount);
    if (!mount.startsWith('/') || NOT_A_DISK.test(String(filesystem))) continue;
    const available = dfAmount(avail, blockBytes);
    const total = dfAmount(size, blockBytes);
    if (available === null || total === null || total <= 0) continue;
    rows[type].set(mount, { fact, mount, available, size: total });
  }
  return rows;
}

/** The runtime's store paths, the ones df shows mounts under first (docker's layers name docker). */
function imagefsPaths(mounts: ReadonlySet<string>): string[] {
  const used = PATHS.imagefs.filter((path) => [...mounts].some((m) => m.startsWith(`${path}/`)));
  return [...used, ...PATHS.imagefs.filter((path) => !used.includes(path))];
}

/** The row of the filesystem holding `path`: the longest mount point that is a prefix of it. */
function holding(path: string, rows: ReadonlyMap<string, Row>): Row | undefined {
  let best: Row | undefined;
  for (const row of rows.values()) {
    const m = row.mount;
    const holds = m === '/' || path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`);
    if (holds && (!best || m.length > best.mount.length)) best = row;
  }
  return best;
}

/** Whether a row's free space or inodes lie below a threshold (the kubelet evicts below, not at). */
function crossed(t: FsThreshold, row: Row): boolean {
  if (t.percent !== null) return (row.available / row.size) * 100 < t.percent;
  return t.quantity !== null && row.available < t.quantity;
}

/**
 * Each filesystem the kubelet watches whose free space (or free inodes) lies below the eviction
 * threshold its own configuration sets: nodefs is the filesystem holding /var/lib/kubelet, imagefs
 * the one holding /var/lib/containerd or /var/lib/docker (the same disk when df shows only `/`).
 * Thresholds come from evictionHard/evictionSoft (JSON, YAML or `--eviction-hard`); a kubelet
 * configuration that names no evictionHard runs with the kubelet's defaults (nodefs.available 10%,
 * imagefs.available 15%, nodefs.inodesFree 5%); no configuration shown, no fact. Fields: signal,
 * fs (nodefs | imagefs), eviction (hard | soft | default), threshold (as written), path, mount,
 * filesystem, availablePercent, usePercent (df's own, so a runbook can leave a full disk to disk-full).
 */
export const diskEviction: FactJoin = {
  kind: 'disk.eviction',
  inputs: ['disk.usage'],
  markers: [
    'evictionhard',
    'evictionsoft',
    'eviction-hard',
    'eviction-soft',
    'kubeletconfiguration',
  ],
  join(input) {
    if (input.sections.length === 0) return [];
    const { thresholds, shown } = evictionConfig(input.sections);
    if (!shown || thresholds.length === 0) return [];
    const rows = dfView(input.facts('disk.usage'));
    const paths = { nodefs: PATHS.nodefs, imagefs: imagefsPaths(rows.mounts) };
    const facts: Fact[] = [];
    const seen = new Set<string>();
    for (const t of thresholds) {
      const fs = t.signal.startsWith('nodefs') ? 'nodefs' : 'imagefs';
      const byMount = t.signal.endsWith('inodesFree') ? rows.inodes : rows.blocks;
      for (const path of paths[fs]) {
        const row = holding(path, byMount);
        // One fact per threshold and filesystem, even when it holds both runtimes' paths.
        const key = `${t.eviction} ${t.signal} ${row?.mount}`;
        if (!row || seen.has(key) || !crossed(t, row)) continue;
        seen.add(key);
        const { fact } = row;
        facts.push({
          kind: 'disk.eviction',
          section: fact.section,
          line: fact.line,
          text: fact.text,
          fields: {
            signal: t.signal,
            fs,
            eviction: t.eviction,
            threshold: t.value,
            path,
            mount: row.mount,
            filesystem: fact.fields.filesystem ?? null,
            availablePercent: Math.round((row.available / row.size) * 1000) / 10,
            usePercent: fact.fields.usePercent ?? null,
          },
          joined: [t.at],
        });
        if (facts.length >= MAX_JOINED_FACTS) return facts;
      }
    }
    return facts;
  },
};
