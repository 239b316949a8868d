import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

/**
 * One summary fact per section about loop devices: `losetup -a` rows (attached devices;
 * snap packages are excluded from `attachedOther` because they are normal on Ubuntu),
 * `ls -l /dev/loop*` (devices that exist) and `losetup -f` ("could not find any free loop device").
 * Fields: attached, attachedOther, devices (null when not listed), free (null when unknown),
 * noFreeDevice (losetup -f said so), loopControl (`/dev/loop-control` is listed: the kernel
 * hands out loop devices, so `devices: 0` beside it means no /dev/loopN node exists to attach).
 */
export const loopDevices: FactExtractor = {
  kind: 'loop.devices',
  markers: ['/dev/loop', 'loop device'],
  mayContain: (text) => text.includes('/dev/loop') || text.includes('loop device'),
  extract(section, text) {
    const attached = new Set<string>();
    let attachedOther = 0;
    const devices = new Set<string>();
    let listed = false;
    let noFree = false;
    let control = false;
    let firstLine = 0;
    let firstText = '';
    forEachLine(text, (line, lineNo) => {
      const att = /^(\/dev\/loop\d+):\s*\[/.exec(line.trim());
      if (att) {
        if (!attached.has(att[1]!)) {
          attached.add(att[1]!);
          if (!/\.snap\)?\s*$|snapd/.test(line)) attachedOther++;
        }
        if (!firstLine) {
          firstLine = lineNo;
          firstText = line.trim();
        }
        return;
      }
      const dev = /^b\S+\s.*\s7,\s*\d+\s.*(\/dev\/loop\d+)\s*$/.exec(line.trim());
      if (dev) {
        devices.add(dev[1]!);
        listed = true;
        return;
      }
      if (/^c\S+\s.*\s10,\s*237\s.*\/dev\/loop-control\s*$/.test(line.trim())) {
        control = true;
        listed = true;
        if (!firstLine) {
          firstLine = lineNo;
          firstText = line.trim();
        }
        return;
      }
      if (
        /could not find any free loop device|cannot find an unused loop device|no free loop device|no more loop(back)? devices? available/i.test(
          line,
        )
      ) {
        noFree = true;
        firstLine = lineNo;
        firstText = line.trim();
      }
    });
    if (attached.size === 0 && !listed && !noFree) return [];
    const free = listed ? [...devices].filter((d) => !attached.has(d)).length : null;
    return [
      {
        kind: 'loop.devices',
        section,
        line: firstLine || 1,
        text: clip(firstText),
        fields: {
          attached: attached.size,
          attachedOther,
          devices: listed ? devices.size : null,
          free,
          noFreeDevice: noFree,
          loopControl: control,
        },
      } satisfies Fact,
    ];
  },
};
