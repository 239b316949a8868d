/**
 * The EKS-node document as SSM would run it (library inlined), on this machine, with one of the
 * node's log files given through its document parameter: the shared setup of the tests of the sections read
 * from a log file (cni.ipamd, cni.policy-verdicts). The machine's own kernel log and systemd stay
 * out, so only the given file decides the section.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { collectOnQuietNode, eksNodeCase } from '../../support/eks-node-collector-scratch.js';

/**
 * What the node holds at the log's path: the file's text, nothing, a directory (not a readable
 * file), or a symbolic link to `linkTo` (a path, or one relative to the folder standing for /var/log).
 */
export type NodeLogFile = string | 'absent' | 'directory' | { readonly linkTo: string };

/**
 * Collects in a fresh folder of `scratch`, with `content` at `fileName` and the collector document's
 * `parameter` (`ipamdLog`, …) naming it as `/var/log/<fileName>` (the document takes nothing
 * else), the folder standing for /var/log (the test-only PM_VAR_LOG_DIR); returns `section`'s
 * output, the bundle and the folder. `others` are more files of that folder (path in it -> text).
 */
export async function collectWithNodeLog(
  scratch: string,
  parameter: string,
  fileName: string,
  content: NodeLogFile,
  section: string,
  others: Readonly<Record<string, string>> = {},
) {
  const node = eksNodeCase(scratch);
  const { dir } = node;
  for (const [path, text] of Object.entries(others)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const log = join(dir, fileName);
  if (typeof content === 'object') symlinkSync(content.linkTo, log);
  else if (content === 'directory') mkdirSync(log);
  else if (content !== 'absent') writeFileSync(log, content);
  const bundle = await collectOnQuietNode(
    node,
    { PM_VAR_LOG_DIR: dir },
    { sinceMinutes: '15', [parameter]: `/var/log/${fileName}` },
  );
  return { section: bundle.sections[section]?.output ?? '', bundle, dir };
}
