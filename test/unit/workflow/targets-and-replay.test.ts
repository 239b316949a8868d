import { describe, expect, it } from 'vitest';
import { ManualInputError, parseManualInput } from '../../../lambdas/core/workflow/manual-input.js';
import {
  formatTarget,
  parseTarget,
  TargetGrammarError,
} from '../../../lambdas/core/workflow/targets.js';

const REF = { uri: 'file:///tmp/x/evidence/run/recorded.json', sha256: 'a'.repeat(64), bytes: 120 };

describe('the target grammar', () => {
  it.each([
    ['local', 'local'],
    ['i-0123456789abcdef0', 'instance'],
    ['asg:web-fleet', 'auto-scaling-group'],
    ['eks:prod/ip-10-0-1-23.ec2.internal', 'eks-node'],
    ['ip-10-0-1-23.ec2.internal', 'private-dns'],
    ['ip-10-0-1-23.eu-west-1.compute.internal', 'private-dns'],
  ])('%s is a %s target and formats back to itself', (text, kind) => {
    const spec = parseTarget(text);

    expect(spec.kind).toBe(kind);
    expect(formatTarget(spec)).toBe(text);
  });

  it.each([
    'web-1',
    'i-XYZ',
    'asg:',
    'eks:prod',
    'node:prod/n1',
    '$(reboot)',
    'ip-10-0-1-23.example.test',
    '',
  ])('rejects %j with one line naming the grammar', (text) => {
    expect(() => parseTarget(text)).toThrow(TargetGrammarError);
    expect(() => parseTarget(text)).toThrow(
      /^target ".*" is not one of: local, i-<instance id>, asg:<group>, eks:<cluster>\/<node>, or an EC2 private DNS name \(ip-10-0-1-23\.ec2\.internal\), each but local optionally after aws:\/\/<account>\/<region>\/$/,
    );
  });
});

describe('a replay is a manual input the workflow knows', () => {
  it('needs no runbook and is a dry run', () => {
    expect(
      parseManualInput({ target: 'local', replay: { evidence: REF, origin: 'disk-full.json' } }),
    ).toEqual({
      target: 'local',
      mode: 'dry-run',
      invokedBy: 'console',
      replay: { evidence: REF, origin: 'disk-full.json' },
    });
  });

  it.each([
    [
      { target: 'local', replay: { evidence: REF }, mode: 'execute' },
      'field "mode": a replay of recorded evidence is always "dry-run"',
    ],
    [
      { target: 'local', replay: { evidence: { ...REF, sha256: 'nope' } } },
      'field "replay": expected {"evidence"',
    ],
    [
      { target: 'local', replay: { evidence: { ...REF, uri: 'http://example.test/x' } } },
      'field "replay"',
    ],
    [{ target: 'web-1', replay: { evidence: REF } }, 'field "target": "web-1" is not one of'],
  ])('rejects %j', (input, message) => {
    expect(() => parseManualInput(input)).toThrow(ManualInputError);
    expect(() => parseManualInput(input)).toThrow(message);
  });

  it('a manual run without a replay still needs its runbook', () => {
    expect(() => parseManualInput({ target: 'local' })).toThrow('field "runbookId"');
  });
});
