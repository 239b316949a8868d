// `npm run bench`: every benchmark of the project, each comparing against a baseline measured in the same run.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const suites = [
  'cli',
  'classifier',
  'adversarial',
  'collector',
  'pipeline',
  'eks-collect',
  'audit-chain',
].filter((s) => only.length === 0 || only.includes(s));
for (const name of suites) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) continue;
  process.stdout.write(`\n== ${name} ==\n`);
  const mod = (await import(`./${name}.js`)) as { run: () => Promise<void> };
  await mod.run();
}
