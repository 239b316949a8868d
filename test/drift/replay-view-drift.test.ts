/**
 * Drift tests on one replayed execution: the console draws exactly the state machine `triage`
 * executed (the one CDK synthesizes), and `audit show` renders its trigger, sections, confidence
 * and timings from the typed audit entries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerAuditCommand } from '../../cli/commands/audit.js';
import { generatedAslText } from '../../cdk/workflow/generate-asl.js';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import { renderWorkflowSvg } from '../../console/workflow-graph.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { ExecutionRecords } from '../../lambdas/local/execute-workflow.js';
import { triageReplay, type TriageResult } from '../../lambdas/local/triage.js';
import { FIXTURES } from '../integration/local/cli-helper.js';

const dataDir = mkdtempSync(join(tmpdir(), 'paramedic-replay-view-'));
let result: TriageResult;
let server: ConsoleServer;

beforeAll(async () => {
  result = await triageReplay(FIXTURES.diskFull, {
    dataDir,
    rulebook: loadRulebook(),
    print: () => undefined,
  });
  server = await startConsoleServer({ dataDir, rulebook: loadRulebook(), token: 't' });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function get(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(
      { host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}` } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      },
    )
      .on('error', reject)
      .end();
  });
}

describe('the console draws the state machine triage executes', () => {
  it('the execution ran the definition CDK synthesizes', async () => {
    const ran = await new ExecutionRecords(dataDir).definition(result.record.definitionSha256);

    expect(ran).toEqual(JSON.parse(generatedAslText()));
  });

  it('the execution page and the catalogue picture draw that definition', async () => {
    const definition = JSON.parse(generatedAslText());
    const path = result.record.path.map((p) => p.state);

    expect(await get(`/api/executions/${result.executionId}/graph.svg`)).toBe(
      renderWorkflowSvg(definition, path, { failedStates: [] }),
    );
    expect(await get('/api/workflow.svg')).toBe(renderWorkflowSvg(definition));
  });
});

describe('audit show of a replayed execution', () => {
  it('shows the trigger, the sections collected, the confidence and the timings', async () => {
    const program = new Command('paramedic').exitOverride();
    registerAuditCommand(program);
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['audit', 'show', result.executionId, '--data-dir', dataDir], {
        from: 'user',
      });
    } finally {
      write.mockRestore();
    }
    const text = stripVTControlCharacters(out.join(''));

    expect(text).toContain(
      'replay of recorded evidence disk-full-docker-host.json on i-0a1b2c3d4e5f60718',
    );
    expect(text).toMatch(
      /collected .*i-0a1b2c3d4e5f60718: 8 sections sha256 [0-9a-f]{12}… \(replay\)/,
    );
    expect(text).toMatch(/classified .*disk-full 0\.\d\d — /);
    expect(text).toMatch(/\+0\.\d{3}s .*completed .*outcome dry-run in \d+ ms/);
    expect(text).not.toContain('undefined');
  });
});
