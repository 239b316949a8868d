/**
 * The project's SSM Command documents, built from lambdas/core/collection/collector-documents.ts:
 * the evidence collectors and one document per host remediation action. Scripts are read from the
 * repository at synth and made self-contained. Parameters are typed with allowedPattern; SSM
 * rejects any other value before the host sees it, and the values reach the script only as
 * environment variables assigned in single quotes (every pattern is checked at synth to refuse `'`).
 * The scripts come from document-scripts.ts: libraries inlined without their comments, the very
 * text the local runner executes.
 */
import { Annotations, Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  ACTION_DOCUMENTS,
  COLLECTOR_DOCUMENTS,
  defaultsRejectedByPattern,
  deployedDocumentName,
  DOCUMENT_PREFIX,
  fixedDocumentEnvironment,
  type CommandDocument,
} from '../../lambdas/core/collection/collector-documents.js';
import { documentScripts } from './document-scripts.js';
import type { ManagedInstanceTag } from '../../lambdas/adapters/ssm/send-command-rejection.js';

const HEREDOC = 'PARAMEDIC_SCRIPT_END';
const SHELL_BREAKERS = ["'", "a'", "'a", "1'", "a'b", 'a\nb'];

/** A pattern would let a value break out of its single-quoted assignment. */
export class UnsafeParameterPatternError extends Error {
  constructor(doc: string, parameter: string, pattern: string) {
    super(
      `${doc} parameter ${parameter}: allowedPattern ${pattern} accepts a single quote or a newline; tighten it in lambdas/core/collection/collector-documents.ts`,
    );
    this.name = 'UnsafeParameterPatternError';
  }
}

/** A parameter's default is rejected by its own allowedPattern: SSM would refuse every command that relies on it. */
export class ParameterDefaultError extends Error {
  constructor(doc: string, parameter: string, value: string, pattern: string) {
    super(
      `${doc} parameter ${parameter}: default ${JSON.stringify(value)} does not match its allowedPattern ${pattern}; give a matching default or none (required) in lambdas/core/remediation/catalog.ts or lambdas/core/collection/collector-documents.ts`,
    );
    this.name = 'ParameterDefaultError';
  }
}

/**
 * SSM's quota on a document (CreateDocument, MaxDocumentSizeExceeded): 64 KB, counting the values
 * its parameters are given at run time. The collectors inline runbooks/collectors/lib.sh, without
 * its comments.
 */
export const SSM_DOCUMENT_MAX_BYTES = 64 * 1024;

/** Thrown at synth when a document, with its longest parameter values, would exceed SSM's quota. */
export class DocumentTooLargeError extends Error {
  constructor(doc: string, script: string, bytes: number) {
    super(
      `${doc} would be ${bytes} bytes with its longest parameter values, over SSM's ${SSM_DOCUMENT_MAX_BYTES}-byte document quota: move code out of ${script} or the library it inlines (runbooks/collectors/lib.sh), or split the document`,
    );
    this.name = 'DocumentTooLargeError';
  }
}

/**
 * The most bytes a value of this pattern can take: its largest repetition bound, plus room for the
 * pattern's fixed characters. Over-counts, never under-counts, for the anchored patterns we use.
 */
function longestValueBytes(allowedPattern: string): number {
  const bounds = [...allowedPattern.matchAll(/\{(?:\d+,)?(\d+)\}/g)].map((m) => Number(m[1]));
  return Math.max(0, ...bounds) + 64;
}

/** The SSM document content (schema 2.2) of one command document. */
export function documentContent(doc: CommandDocument, script: string): Record<string, unknown> {
  const content = buildDocumentContent(doc, script);
  const bytes =
    Buffer.byteLength(JSON.stringify(content)) +
    Object.values(doc.parameters).reduce((n, p) => n + longestValueBytes(p.allowedPattern), 0);
  if (bytes > SSM_DOCUMENT_MAX_BYTES)
    throw new DocumentTooLargeError(doc.documentName, doc.script, bytes);
  return content;
}

function buildDocumentContent(doc: CommandDocument, script: string): Record<string, unknown> {
  for (const [name, p] of Object.entries(doc.parameters)) {
    const re = new RegExp(p.allowedPattern);
    if (!p.allowedPattern.startsWith('^') || SHELL_BREAKERS.some((s) => re.test(s)))
      throw new UnsafeParameterPatternError(doc.documentName, name, p.allowedPattern);
  }
  const [rejected] = defaultsRejectedByPattern([doc]);
  if (rejected)
    throw new ParameterDefaultError(
      rejected[0],
      rejected[1],
      rejected[2],
      doc.parameters[rejected[1]]!.allowedPattern,
    );
  if (script.split('\n').some((l) => l.trim() === HEREDOC))
    throw new Error(
      `${doc.script} contains the line ${HEREDOC}, which ends the embedded script early`,
    );
  return {
    schemaVersion: '2.2',
    description: doc.description,
    parameters: Object.fromEntries(
      Object.entries(doc.parameters).map(([name, p]) => [
        name,
        {
          type: 'String',
          ...(p.default === undefined ? {} : { default: p.default }),
          allowedPattern: p.allowedPattern,
          description: p.description,
        },
      ]),
    ),
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'paramedic',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          timeoutSeconds: String(doc.timeoutSeconds),
          runCommand: [
            ...Object.entries(doc.parameters).map(([name, p]) => `export ${p.env}='{{ ${name} }}'`),
            // Digits only (the catalogue's numbers): nothing to quote.
            ...Object.entries(fixedDocumentEnvironment(doc)).map(([k, v]) => `export ${k}='${v}'`),
            // bash reads the script from a quoted heredoc: nothing in it is expanded by the outer shell.
            `exec bash -s <<'${HEREDOC}'`,
            ...script.split('\n'),
            HEREDOC,
          ],
        },
      },
    ],
  };
}

/** Props of a set of documents. */
export interface CommandDocumentsProps {
  readonly documents: readonly CommandDocument[];
  /** The deployment's document-name prefix (cdk/deployment-names.ts). @default 'Paramedic-' */
  readonly documentPrefix?: string;
  /** Only instances with this tag may receive the documents (`ssm:resourceTag/<key>`). @default no condition */
  readonly managedInstanceTag?: ManagedInstanceTag;
}

/** Props of the collector or action documents of a deployment. */
export type DeploymentDocumentsProps = Omit<CommandDocumentsProps, 'documents'>;

/** ARN pattern of every EC2 instance of the stack's account and region (SendCommand targets). */
export function instanceArnPattern(stack: Stack): string {
  return Arn.format({ service: 'ec2', resource: 'instance', resourceName: '*' }, stack);
}

/** SSM Command documents, with a grant that names exactly them. */
export class CommandDocuments extends Construct {
  /** Catalogue document name (`Paramedic-…`) -> CfnDocument (deployed under the deployment prefix). */
  public readonly documents: ReadonlyMap<string, ssm.CfnDocument>;
  /** The tag {@link grantRun} requires of an instance; the runner names it when one is denied. */
  public readonly managedInstanceTag?: ManagedInstanceTag;
  private readonly documentPrefix: string;

  constructor(scope: Construct, id: string, props: CommandDocumentsProps) {
    super(scope, id);
    this.documentPrefix = props.documentPrefix ?? DOCUMENT_PREFIX;
    if (props.managedInstanceTag) this.managedInstanceTag = props.managedInstanceTag;
    const docs = new Map<string, ssm.CfnDocument>();
    const scripts = documentScripts(props.documents.map((d) => d.script));
    for (const doc of props.documents) {
      let script = scripts.get(doc.script);
      if (script === undefined) {
        Annotations.of(this).addWarningV2(
          `paramedic:missing-script:${doc.documentName}`,
          `${doc.script} is missing: ${doc.documentName} is deployed as a script that fails, so the action escalates instead of running`,
        );
        script = `#!/usr/bin/env bash\necho "Paramedic: ${doc.script} was not present when this stack was synthesized" >&2\nexit 1`;
      }
      docs.set(
        doc.documentName,
        new ssm.CfnDocument(this, doc.documentName.replace(/[^A-Za-z0-9]/g, ''), {
          name: deployedDocumentName(doc.documentName, this.documentPrefix),
          documentType: 'Command',
          documentFormat: 'JSON',
          updateMethod: 'NewVersion',
          content: documentContent(doc, script),
        }),
      );
    }
    this.documents = docs;
  }

  /** ARNs of these documents, as deployed. */
  get documentArns(): string[] {
    return [...this.documents.keys()].map((name) =>
      Arn.format(
        {
          service: 'ssm',
          resource: 'document',
          resourceName: deployedDocumentName(name, this.documentPrefix),
        },
        Stack.of(this),
      ),
    );
  }

  /**
   * Lets `grantee` run these documents (and only these) on EC2 instances carrying the managed tag,
   * and read the invocations. SendCommand is authorized once per resource (each document, each
   * instance), so the tag condition sits on the instance statement only: documents carry no tag.
   * https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command-setting-up.html
   */
  grantRun(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:SendCommand'],
      resourceArns: this.documentArns,
    });
    const tag = this.managedInstanceTag;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [instanceArnPattern(stack)],
        ...(tag
          ? { conditions: { StringEquals: { [`ssm:resourceTag/${tag.key}`]: tag.value } } }
          : {}),
      }),
    );
    // Invocation reads and CancelCommand (what still runs at the step's deadline) are not resource-scoped in IAM (SSM has no ARN for a command).
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:CancelCommand'],
      resourceArns: ['*'],
    });
  }
}

/** The evidence collectors. */
export class CollectorDocuments extends CommandDocuments {
  constructor(scope: Construct, id: string, props: DeploymentDocumentsProps = {}) {
    super(scope, id, { ...props, documents: COLLECTOR_DOCUMENTS });
  }
}

/** One document per host remediation action of the catalogue. */
export class ActionDocuments extends CommandDocuments {
  constructor(scope: Construct, id: string, props: DeploymentDocumentsProps = {}) {
    super(scope, id, { ...props, documents: ACTION_DOCUMENTS });
  }
}
