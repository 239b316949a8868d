import { describe, expect, it } from 'vitest';
import { endedStateTimes } from '../../../lambdas/core/classify/ended-state-time.js';

const FINISHED = Date.parse('2026-11-20T03:12:39Z');
const lines = (times: Map<number, number>) => [...times.keys()];

describe('ended container states are dated by when they ended', () => {
  it("describe's Last State block, to its last indented line, by its Finished time", () => {
    const text = `    State:          Running
      Started:      Fri, 20 Nov 2026 03:12:40 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Tue, 17 Nov 2026 03:01:10 +0000
      Finished:     Fri, 20 Nov 2026 03:12:39 +0000
    Ready:          False`;
    const times = endedStateTimes(text);
    expect(lines(times)).toEqual([3, 4, 5, 6, 7]);
    expect(times.get(4)).toBe(FINISHED);
  });

  it('a terminated state that shows only its start is dated by it; one with no time is not dated', () => {
    const started = endedStateTimes(
      '    State:      Terminated\n      Reason:   Error\n      Started:  Fri, 20 Nov 2026 03:12:39 +0000\n    Ready:  False',
    );
    expect(started.get(2)).toBe(FINISHED);
    expect(endedStateTimes('    Last State:  Terminated\n      Reason:  OOMKilled\n').size).toBe(0);
  });

  it("a pod object's lastState.terminated, in JSON and YAML", () => {
    const json = `"lastState": {
    "terminated": {
        "containerID": "containerd://8c2f",
        "exitCode": 137,
        "finishedAt": "2026-11-20T03:12:39Z",
        "reason": "OOMKilled",
        "startedAt": "2026-11-17T03:01:10Z"
    }
},
"name": "catalog",`;
    const fromJson = endedStateTimes(json);
    expect(lines(fromJson)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(fromJson.get(6)).toBe(FINISHED);
    const yaml =
      '    lastState:\n      terminated:\n        exitCode: 137\n        finishedAt: "2026-11-20T03:12:39Z"\n        reason: OOMKilled\n    name: catalog';
    expect(endedStateTimes(yaml).get(5)).toBe(FINISHED);
  });

  it("an exited container's inspect State by FinishedAt; a running one, or one never finished, is now", () => {
    const state = (status: string, finishedAt: string) => `        "State": {
            "Status": "${status}",
            "OOMKilled": true,
            "FinishedAt": "${finishedAt}"
        },
        "Name": "/report-nightly",`;
    expect(endedStateTimes(state('exited', '2026-11-20T03:12:39.000000000Z')).get(3)).toBe(
      FINISHED,
    );
    // docker keeps the last run's FinishedAt when it starts the container again.
    expect(endedStateTimes(state('running', '2026-11-20T03:12:39Z')).size).toBe(0);
    expect(endedStateTimes(state('created', '0001-01-01T00:00:00Z')).size).toBe(0);
  });

  it("a stamp without its zone dates nothing (it would be read in this machine's zone)", () => {
    expect(
      endedStateTimes('    Last State:  Terminated\n      Finished:  2026-11-20 03:12:39\n').size,
    ).toBe(0);
  });
});
