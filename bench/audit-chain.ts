/**
 * Audit append contention on DynamoDB (dynalite on 127.0.0.1): conditional-write attempts per
 * append with 10 and 40 concurrent writers, for the single-chain layout (one partition, the
 * baseline) and one chain per execution, measured in the same run against the same server.
 * Each writer is one execution appending its entries one after another, as a workflow does.
 * The last row is the per-execution layout's worst case: every writer on one execution.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createAuditTable } from '../lambdas/adapters/dynamodb/create-tables.js';
import { DynamoDbAuditStore } from '../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import {
  SinglePartitionAuditStore,
  type AuditStoreOptions,
} from '../lambdas/adapters/dynamodb/single-partition-audit-store.js';
import type { AuditEntryInput } from '../lambdas/core/audit/audit-entry.js';
import type { AuditStore } from '../lambdas/core/ports.js';

const APPENDS_PER_WRITER = 5;
const WRITERS = [10, 40];

const DESIGNS: readonly {
  name: string;
  make: (doc: DynamoDBDocumentClient, table: string, options: AuditStoreOptions) => AuditStore;
  sameExecution: boolean;
}[] = [
  {
    name: 'single chain (one partition, before)',
    make: (d, t, o) => new SinglePartitionAuditStore(d, t, o),
    sameExecution: false,
  },
  {
    name: 'chain per execution (after)',
    make: (d, t, o) => new DynamoDbAuditStore(d, t, o),
    sameExecution: false,
  },
  {
    name: 'chain per execution, all on one execution',
    make: (d, t, o) => new DynamoDbAuditStore(d, t, o),
    sameExecution: true,
  },
];

const entry = (executionId: string, i: number): AuditEntryInput =>
  ({
    executionId,
    type: 'step',
    at: new Date(Date.UTC(2026, 11, 2, 9, 0, i)).toISOString(),
    actor: 'system',
    target: 'i-0a1b2c3d4e5f60718',
    data: { step: i, action: 'journal-vacuum', document: null, outcomes: [] },
  }) as AuditEntryInput;

/** Prints attempts per append and wall time for each design at each concurrency. */
export async function run(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${server.address().port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 10,
  });
  const doc = DynamoDBDocumentClient.from(raw);
  let tables = 0;
  console.log(
    `Audit appends on dynalite: ${APPENDS_PER_WRITER} appends per writer, writers concurrent; baseline = single chain, same run:`,
  );
  try {
    for (const writers of WRITERS) {
      let baseline = 0;
      for (const design of DESIGNS) {
        const table = `bench-audit-${++tables}`;
        await createAuditTable(raw, table);
        let attempts = 0;
        const store = design.make(doc, table, {
          maxAttempts: 200,
          onAttempt: () => {
            attempts++;
          },
        });
        const started = performance.now();
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < APPENDS_PER_WRITER; i++)
              await store.append(entry(design.sameExecution ? 'exec-shared' : `exec-${w}`, i));
          }),
        );
        const ms = performance.now() - started;
        const report = await store.verify();
        if (!report.ok || report.entries !== writers * APPENDS_PER_WRITER)
          throw new Error(
            `${design.name}: chain not intact after the run: ${JSON.stringify(report)}`,
          );
        const perAppend = attempts / (writers * APPENDS_PER_WRITER);
        if (baseline === 0) baseline = perAppend;
        console.log(
          `  ${String(writers).padStart(2)} writers  ${design.name.padEnd(44)} ${perAppend.toFixed(2).padStart(5)} attempts/append  ${(perAppend / baseline).toFixed(2).padStart(4)}× baseline  ${ms.toFixed(0).padStart(6)} ms  verify ok`,
        );
      }
    }
  } finally {
    raw.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
