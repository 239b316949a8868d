/**
 * Resolves the CloudFormation intrinsics CDK leaves in a state machine definition
 * (Fn::Join, Fn::GetAtt, Ref) into plain strings, with a fixed fake account and region, so the
 * ASL can be executed locally and compared in tests.
 */

/** Account, region and partition substituted for pseudo parameters. */
export const LOCAL_PSEUDO = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
} as const;

/** Resolves Fn::Join / Fn::GetAtt / Ref recursively. Lambda ARNs become `arn:aws:lambda:…:function:<logicalId>`. */
export function resolveCfn(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolveCfn);
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveCfn).join(sep);
  }
  if ('Fn::GetAtt' in v) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    return attr === 'Arn'
      ? `arn:aws:lambda:${LOCAL_PSEUDO['AWS::Region']}:${LOCAL_PSEUDO['AWS::AccountId']}:function:${id}`
      : `${id}.${attr}`;
  }
  if ('Ref' in v) return (LOCAL_PSEUDO as Record<string, string>)[v.Ref as string] ?? v.Ref;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveCfn(x)]));
}
