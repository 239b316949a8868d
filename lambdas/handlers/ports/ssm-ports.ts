/** The `commands` port: the project's SSM documents, full output read back from the evidence bucket. */
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmCommandRunner } from '../../adapters/ssm/ssm-command-runner.js';
import { ssmRunnerSettingsFrom } from '../../adapters/ssm/ssm-runner-environment.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { invocationDeadline } from '../invocation-deadline.js';

/** SSM Run Command (SSM + S3 clients), bounded by the invocation's deadline. */
export const ssmCommandPorts: PortFactory = {
  provides: ['commands'],
  create: (env) => {
    const outputBucket = requiredEnvironment(env, ENV.evidenceBucket);
    return { commands: new SsmCommandRunner(new SSMClient({}), { ...ssmRunnerSettingsFrom(env), outputBucket, outputPrefix: 'ssm-output', s3: new S3Client({}), deadline: invocationDeadline }) };
  },
};
