/**
 * Groups of targets on one machine: `<dataDir>/groups.json` lists the groups the local runner's
 * targets belong to (the local stand-in for Auto Scaling and EKS node groups), e.g.
 * `{"groups":[{"kind":"auto-scaling-group","name":"web","members":["i-0aaa…","i-0bbb…"],"outOfService":{"i-0bbb…":"Standby"}}]}`.
 * No file, or a target in no listed group: the target is in no group.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../core/workflow/model.js';
import type { GroupMembership, TargetGroup } from '../../core/workflow/ports.js';

/** The groups file is not what it should be; the message says which field. */
export class GroupsFileError extends Error {
  constructor(file: string, problem: string) {
    super(
      `${file}: ${problem}; expected {"groups":[{"kind":"auto-scaling-group"|"node-group","name":"…","members":["i-…"],"outOfService":{"i-…":"why"}}]}`,
    );
    this.name = 'GroupsFileError';
  }
}

function parseGroups(file: string, text: string): TargetGroup[] {
  let value: { groups?: unknown };
  try {
    value = JSON.parse(text) as { groups?: unknown };
  } catch (error) {
    throw new GroupsFileError(file, `not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value.groups)) throw new GroupsFileError(file, '"groups" is not a list');
  return value.groups.map((g: Record<string, unknown>, i) => {
    if (g.kind !== 'auto-scaling-group' && g.kind !== 'node-group')
      throw new GroupsFileError(file, `groups[${i}].kind is not auto-scaling-group or node-group`);
    if (
      typeof g.name !== 'string' ||
      !Array.isArray(g.members) ||
      !g.members.every((m) => typeof m === 'string')
    )
      throw new GroupsFileError(file, `groups[${i}] needs a name and members (target ids)`);
    const out = (g.outOfService ?? {}) as Record<string, unknown>;
    return {
      kind: g.kind,
      name: g.name,
      members: g.members as string[],
      outOfService: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, String(v)])),
    };
  });
}

/** {@link GroupMembership} over the data directory's groups file, read on every call (it is edited by hand). */
export class LocalGroupMembership implements GroupMembership {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'groups.json');
  }

  /** The first listed group with the target as a member. */
  async groupOf(target: Target): Promise<TargetGroup | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseGroups(this.file, text).find((g) => g.members.includes(target.id));
  }
}
