import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { manualRun, triageAlarm, triageReplay } from '../../../lambdas/local/triage.js';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { LocalEventPublisher } from '../../../lambdas/adapters/local/local-event-publisher.js';
import { LocalApprovals } from '../../../lambdas/adapters/local/local-approvals.js';
import { viewExecution } from '../../../lambdas/core/audit/execution-summary.js';
import { replayAudit } from '../../../cli/commands/triage.js';
import { FIXTURES, paramedic } from './cli-helper.js';
import { userInfo } from 'node:os';

const rulebook = loadRulebook();
let dataDir: string;
const quiet = { print: () => undefined };

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-local-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('triage --replay: the CDK workflow on recorded evidence', () => {
  it('runs the deployed definition with the real handlers, classifies disk-full and plans a dry run', async () => {
    const r = await triageReplay(FIXTURES.diskFull, { dataDir, rulebook, ...quiet });
    expect(r.record.workflowSource).toBe('cdk');
    expect(r.record.status).toBe('SUCCEEDED');
    expect(r.record.path.map((p) => p.state)).toEqual(
      expect.arrayContaining([
        'Intake',
        'AcquireLock',
        'Collect',
        'Classify',
        'Plan',
        'ReleaseLock',
        'Complete',
      ]),
    );
    const view = viewExecution(r.entries);
    expect(view.classification?.runbookId).toBe('disk-full');
    expect(
      view.classification?.evidence.some((l) => l.text.includes('no space left on device')),
    ).toBe(true);
    expect(view.plan?.decision).toBe('dry-run');
    expect(view.plan?.steps.map((s) => s.document)).toContain('Paramedic-DockerPruneImages');
    expect(view.steps).toHaveLength(0);
    expect(view.summary.outcome).toBe('dry-run');
    expect(view.summary.target).toBe('i-0a1b2c3d4e5f60718');
    // The evidence is stored by reference, and the file hashes to what the audit trail says.
    const ref = view.collected[0]!.ref!;
    expect(
      createHash('sha256')
        .update(readFileSync(fileURLToPath(ref.uri)))
        .digest('hex'),
    ).toBe(ref.sha256);
  });

  it('publishes the same status events as the deployed workflow, to events.jsonl in the data directory', async () => {
    const own = mkdtempSync(join(tmpdir(), 'paramedic-events-'));
    try {
      const r = await triageReplay(FIXTURES.diskFull, { dataDir: own, rulebook, ...quiet });
      const events = await new LocalEventPublisher(own).list();
      expect(events.map((e) => e.detail)).toEqual([
        expect.objectContaining({
          status: 'started',
          executionId: r.executionId,
          trigger: 'manual',
          mode: 'dry-run',
          targets: ['i-0a1b2c3d4e5f60718'],
        }),
        expect.objectContaining({ status: 'classified', runbookId: 'disk-full' }),
      ]);
      expect(
        events.every(
          (e) =>
            e.source === 'paramedic' && e['detail-type'] === 'Paramedic Execution Status Change',
        ),
      ).toBe(true);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('two replays of the same bundle are two executions (replays are never de-duplicated)', async () => {
    const a = await triageReplay(FIXTURES.oomKilled, { dataDir, rulebook, ...quiet });
    const b = await triageReplay(FIXTURES.oomKilled, { dataDir, rulebook, ...quiet });
    expect(a.executionId).not.toBe(b.executionId);
    for (const r of [a, b])
      expect(viewExecution(r.entries).classification?.runbookId).toBe('oom-killed');
    expect((await new LocalAuditStore(dataDir).verify()).ok).toBe(true);
  });
});

describe('triage --alarm: collects from this machine', () => {
  it('normalizes the alarm, runs the real collector through the local command runner and records the evidence', async () => {
    // A host whose dockerd logs to a file of its own (`--daemon-log`, a deployment's collectorLogs).
    const daemonLog = join(dataDir, 'dockerd.log');
    writeFileSync(
      daemonLog,
      'time="2026-11-23T09:00:12.000000000Z" level=error msg="failed to write to the log file: no space left on device"\n',
    );
    const r = await triageAlarm(FIXTURES.alarmDiskUsed, {
      dataDir,
      rulebook,
      mode: 'dry-run',
      // The document takes log files under /var/log only: the data dir stands for it.
      collectorLogs: { docker: { daemonLog: '/var/log/dockerd.log' } },
      runner: new LocalCommandRunner({ env: { PM_VAR_LOG_DIR: dataDir } }),
      ...quiet,
    });
    expect(r.record.status).toBe('SUCCEEDED');
    const view = viewExecution(r.entries);
    expect(view.summary.trigger).toBe('alarm:paramedic-docker-host-disk-used-i-0a1b2c3d4e5f60718');
    expect(view.summary.target).toBe('i-0a1b2c3d4e5f60718');
    const collected = view.collected[0]!;
    expect(collected.ref?.uri).toMatch(/^file:\/\//);
    const bundle = JSON.parse(readFileSync(fileURLToPath(collected.ref!.uri), 'utf8'));
    expect(bundle.schema).toBe('paramedic.evidence/v1');
    expect(Object.keys(bundle.sections)).toEqual(expect.arrayContaining(['disk.df', 'host.os']));
    const journal = bundle.sections['docker.journal'];
    expect(journal.output).toContain(`# log file ${daemonLog} (lines since`);
    expect(view.steps).toHaveLength(0); // dry run by default: nothing changed on this machine
    expect(['dry-run', 'unclassified', 'reported']).toContain(view.summary.outcome);
  });

  it("refuses an OK event, and an alarm without the deployment's prefix, before anything runs (review 12's spoof)", async () => {
    const alarm = JSON.parse(readFileSync(FIXTURES.alarmDiskUsed, 'utf8'));
    const ok = join(dataDir, 'ok-event.json');
    writeFileSync(
      ok,
      JSON.stringify({
        ...alarm,
        detail: { ...alarm.detail, state: { ...alarm.detail.state, value: 'OK' } },
      }),
    );
    const unrelated = join(dataDir, 'unrelated-event.json');
    writeFileSync(
      unrelated,
      JSON.stringify({ ...alarm, detail: { ...alarm.detail, alarmName: 'billing-spend' } }),
    );
    let collected = 0;
    const runner = {
      run: async () => {
        collected++;
        return [];
      },
    };

    for (const [file, check] of [
      [ok, 'state'],
      [unrelated, 'prefix'],
    ] as const) {
      const executionId = `refused-${check}`;
      await expect(
        triageAlarm(file, { dataDir, rulebook, mode: 'dry-run', runner, executionId, ...quiet }),
      ).rejects.toMatchObject({ cause: { name: 'AlarmRefusedError', refusal: { check } } });
      const entries = await new LocalAuditStore(dataDir).execution(executionId);
      expect(entries.map((e) => [e.type, e.actor])).toEqual([
        ['refused', `user:${userInfo().username}`],
      ]);
    }
    expect(collected).toBe(0);
  });

  it('a second delivery of the same alarm is de-duplicated', async () => {
    const r = await triageAlarm(FIXTURES.alarmDiskUsed, {
      dataDir,
      rulebook,
      mode: 'dry-run',
      ...quiet,
    });
    expect(r.entries.map((e) => e.type)).toContain('deduplicated');
    expect(r.record.path.map((p) => p.state)).toContain('Duplicate');
  });
});

describe('paramedic run: manual runs', () => {
  it('a dry run shows which documents would run on which target and runs nothing', async () => {
    const r = await manualRun('disk-full', 'i-0123456789abcdef0', 'user:alice', {
      dataDir,
      rulebook,
      mode: 'dry-run',
      ...quiet,
    });
    const view = viewExecution(r.entries);
    // `--as alice` is a claim; the actor is the OS user running the command.
    expect(view.summary.trigger).toBe(`user:${userInfo().username}`);
    expect(r.entries[0]!.data).toMatchObject({ trigger: { requestedBy: 'alice' } });
    expect(view.plan?.decision).toBe('dry-run');
    expect(view.plan?.steps[0]).toMatchObject({
      document: 'Paramedic-DockerPruneContainers',
      targets: ['i-0123456789abcdef0'],
      parameters: { olderThanHours: '24' },
    });
    expect(view.steps).toHaveLength(0);
  });

  it('an approval rejected on the command line records who and when, and nothing runs', async () => {
    const r = await manualRun('docker-bridge-no-ipv4', 'local', 'user:alice', {
      dataDir,
      rulebook,
      mode: 'execute',
      approval: { kind: 'reject', by: 'bob' },
      ...quiet,
    });
    const view = viewExecution(r.entries);
    expect(view.plan?.decision).toBe('approval');
    expect(view.approvals[0]).toMatchObject({ status: 'rejected', by: 'bob' });
    expect(view.summary.outcome).toBe('rejected');
    expect(view.steps).toHaveLength(0);
    const rec = (await new LocalApprovals(dataDir).list({ executionId: r.executionId }))[0]!;
    expect(rec).toMatchObject({ status: 'rejected', decidedBy: 'bob' });
    expect(Date.parse(rec.decidedAt!)).toBeGreaterThan(Date.parse(rec.requestedAt) - 1);
  });

  it("an approval nobody answers times out through the workflow's States.Timeout catch", async () => {
    const r = await manualRun('docker-bridge-no-ipv4', 'local', 'user:alice', {
      dataDir,
      rulebook,
      mode: 'execute',
      approval: { kind: 'none' },
      ...quiet,
    });
    expect(viewExecution(r.entries).summary.outcome).toBe('timed-out');
    expect(r.record.path.map((p) => p.state)).toEqual(
      expect.arrayContaining(['RequestApproval', 'RecordApproval', 'IsApproved']),
    );
  });
});

describe('triage --replay-audit', () => {
  it('re-classifies every audited incident and shows which classifications would change', async () => {
    const unchanged = await replayAudit(dataDir, join(REPO_ROOT, 'runbooks'));
    expect(unchanged.length).toBeGreaterThanOrEqual(3);
    expect(
      unchanged
        .filter((r) => r.before === 'disk-full' || r.before === 'oom-killed')
        .every((r) => !r.changed),
    ).toBe(true);
    // Without the oom-killed runbook, the OOM incidents would now be classified differently.
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-runbooks-'));
    try {
      cpSync(join(REPO_ROOT, 'runbooks'), dir, { recursive: true });
      const file = join(dir, 'oom-killed.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/weight: 0\.\d+/g, 'weight: 0.05'));
      const rows = await replayAudit(dataDir, dir);
      const oom = rows.filter((r) => r.before === 'oom-killed');
      expect(oom.length).toBeGreaterThanOrEqual(2);
      expect(oom.every((r) => r.changed && r.now !== 'oom-killed')).toBe(true);
      expect(rows.filter((r) => r.before === 'disk-full').every((r) => !r.changed)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the paramedic command end to end: triage, audit list/show/verify/export, tampering', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'paramedic-cli-'));
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('prints a readable triage report and leaves a verifiable record', async () => {
    const env = { PARAMEDIC_HOME: home };
    const triage = await paramedic(['triage', '--replay', FIXTURES.diskFull], env);
    expect(triage.stderr).not.toMatch(/paramedic: /);
    expect(triage.code).toBe(0);
    for (const word of [
      'Trigger',
      'Collected',
      'Classified    disk-full',
      'docker.cli:4',
      'Plan          dry-run',
      'Paramedic-DockerPruneImages',
      'Outcome       dry-run',
      'Path',
      'Record',
    ])
      expect(triage.stdout).toContain(word);
    const id = /Paramedic triage (\S+)/.exec(triage.stdout)![1]!;

    const list = await paramedic(
      ['audit', 'list', '--runbook', 'disk-full', '--outcome', 'dry-run', '--since', '1h'],
      env,
    );
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    const none = await paramedic(['audit', 'list', '--target', 'i-ffffffffffffffff0'], env);
    expect(none.stdout).toContain('no executions');
    // Every outcome the trail can hold is a filter, including runs closed as interrupted.
    const interrupted = await paramedic(['audit', 'list', '--outcome', 'interrupted'], env);
    expect(interrupted.code, interrupted.stderr).toBe(0);
    const bad = await paramedic(['audit', 'list', '--outcome', 'sideways'], env);
    expect(bad.code).toBe(2); // usage
    expect(bad.stderr).toContain('--outcome must be one of');

    const show = await paramedic(['audit', 'show', id], env);
    expect(show.code).toBe(0);
    for (const type of [
      'triggered',
      'locked',
      'collected',
      'classified',
      'planned',
      'preconditions',
      'released',
      'completed',
    ])
      expect(show.stdout).toContain(type);
    expect(show.stdout).toContain('path: Intake');

    const ok = await paramedic(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 8 entries/);

    const exported = await paramedic(['audit', 'export'], env);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Tamper: change the classification recorded in entry 4, leaving its hash as it was.
    const trail = join(home, 'audit', 'trail.jsonl');
    const records = readFileSync(trail, 'utf8').trim().split('\n');
    const edited = JSON.parse(records[3]!);
    expect(edited.type).toBe('classified');
    edited.data.runbookId = 'oom-killed';
    records[3] = JSON.stringify(edited);
    writeFileSync(trail, `${records.join('\n')}\n`);
    const broken = await paramedic(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN: record seq 4');
    expect(broken.stdout).toContain('edited');

    // Deleting a record is caught too.
    records.splice(3, 1);
    writeFileSync(trail, `${records.join('\n')}\n`);
    const cut = await paramedic(['audit', 'verify', '--json'], env);
    expect(JSON.parse(cut.stdout).firstBroken.seq).toBe(5);
  });

  it('rejects contradictory or missing flags with what to do', async () => {
    const none = await paramedic(['triage'], { PARAMEDIC_HOME: home });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give exactly one of --alarm');
    const missing = await paramedic(['triage', '--replay', join(home, 'nope.json')], {
      PARAMEDIC_HOME: home,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const target = await paramedic(['run', 'disk-full', '--target', 'Not A Target'], {
      PARAMEDIC_HOME: home,
    });
    expect(target.code).toBe(2); // usage
    expect(target.stderr).toContain('is not one of: local, i-<instance id>, asg:<group>');
  });
});

describe('local stores', () => {
  it('concurrent appends from two store instances never fork the chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-audit-'));
    try {
      const a = new LocalAuditStore(dir);
      const b = new LocalAuditStore(dir);
      const at = new Date().toISOString();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? a : b).append({
            executionId: `e${i % 3}`,
            type: 'step',
            at,
            actor: 'system',
            data: { i } as never,
          }),
        ),
      );
      const report = await a.verify();
      expect(report).toEqual({ ok: true, entries: 30 });
      expect((await a.all()).map((e) => e.seq)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect((await b.execution('e1')).length).toBe(10);
      expect(existsSync(join(dir, 'audit', 'trail.lock'))).toBe(false);
      // A damaged last line stops further appends instead of chaining onto garbage.
      writeFileSync(
        join(dir, 'audit', 'trail.jsonl'),
        `${readFileSync(join(dir, 'audit', 'trail.jsonl'), 'utf8')}{"seq":31,`,
      );
      await expect(
        a.append({ executionId: 'x', type: 'step', at, actor: 'system', data: {} as never }),
      ).rejects.toThrow(/damaged/);
      expect((await a.verify()).firstBroken?.seq).toBe(31);
      unlinkSync(join(dir, 'audit', 'trail.jsonl'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
