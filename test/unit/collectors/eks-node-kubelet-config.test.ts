import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import {
  collectOnQuietNode,
  eksNodeCase,
  eksNodeCollectorScratch,
} from '../../support/eks-node-collector-scratch.js';

// The EKS-node document as SSM would run it (library inlined), on this machine, with the kubelet's
// configuration directory as each AMI writes it (the test-only PM_KUBELET_CONFIG_DIR stands for
// /etc/kubernetes/kubelet). What kubelet.config shows decides dns.resolver: a clusterDNS the
// collector does not print can never be joined with the cluster DNS Service's address.
// The collector reads the process table: the file holds the kubelet-process lock (support).
const scratch = eksNodeCollectorScratch('pm-eks-kubelet-config-');

/** Collects with `files` (path under the kubelet's directory -> text) as the node's kubelet configuration. */
async function collectWithKubeletDir(files: Record<string, string>, containerdConfig?: string) {
  const node = eksNodeCase(scratch);
  const kubelet = join(node.dir, 'kubelet');
  mkdirSync(join(kubelet, 'config.json.d'), { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(kubelet, path), text);
  const containerdConfigFile = join(node.dir, 'config.toml');
  if (containerdConfig !== undefined) writeFileSync(containerdConfigFile, containerdConfig);
  const bundle = await collectOnQuietNode(node, {
    PM_KUBELET_CONFIG_DIR: kubelet,
    PM_CONTAINERD_CONFIG: containerdConfigFile,
  });
  return { section: bundle.sections['kubelet.config']?.output ?? '', bundle };
}

// What nodeadm writes (json.MarshalIndent, four spaces, no final newline): its own config.json with
// the clusterDNS it derives from the Service CIDR, and the NodeConfig's kubelet options as a
// drop-in (keys sorted, its kind and apiVersion merged in).
const nodeadmConfig = (clusterDns: string) =>
  `{\n    "kind": "KubeletConfiguration",\n    "apiVersion": "kubelet.config.k8s.io/v1beta1",\n    "address": "0.0.0.0",\n    "cgroupDriver": "systemd",\n    "clusterDNS": [\n        "${clusterDns}"\n    ],\n    "clusterDomain": "cluster.local",\n    "maxPods": 29,\n    "providerID": "aws:///eu-west-1a/i-0a1b2c3d4e5f60701"\n}`;
const nodeadmDropIn = (clusterDns: string) =>
  `{\n    "apiVersion": "kubelet.config.k8s.io/v1beta1",\n    "clusterDNS": [\n        "${clusterDns}"\n    ],\n    "kind": "KubeletConfiguration"\n}`;

/** The cluster's side and a pod's failed lookup, as the cluster reader prints them. */
const clusterSide = {
  'k8s.cluster': {
    command: 'kubectl -n kube-system get service kube-dns',
    exitCode: 0,
    truncated: false,
    output:
      '$ kubectl -n kube-system get service kube-dns\nNAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE\nkube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   6d6h\n',
  },
  'k8s.pod-logs': {
    command: 'kubectl logs',
    exitCode: 0,
    truncated: false,
    output:
      'FATAL orders client: dial tcp: lookup orders.shop.svc.cluster.local on 10.100.0.100:53: read udp 10.0.1.87:39114->10.100.0.100:53: i/o timeout\n',
  },
};

/** The dns-resolution-failure signals the node's evidence, joined with the cluster's side, fires. */
function dnsSignals(bundle: Awaited<ReturnType<typeof collectWithKubeletDir>>['bundle']) {
  const result = classifyEvidence(loadRulebook(), {
    ...bundle,
    sections: { ...bundle.sections, ...clusterSide },
  });
  return (
    result.explanations
      .find((e) => e.runbookId === 'dns-resolution-failure')
      ?.signals.map((s) => s.id) ?? []
  );
}

describe("EKS-node collector: the kubelet's configuration (kubelet.config)", () => {
  it("AL2023 (nodeadm): config.json, then its drop-ins in the kubelet's order; a drop-in's typo'd clusterDNS is the pods' resolver", async () => {
    const { section, bundle } = await collectWithKubeletDir({
      'config.json': nodeadmConfig('10.100.0.10'),
      'config.json.d/40-nodeadm.conf': nodeadmDropIn('10.100.0.100'),
      'config.json.d/10-earlier.conf': '{\n    "maxPods": 20\n}',
      'config.json.d/README': 'not a drop-in: the kubelet reads *.conf only',
    });
    const at = (text: string) => section.indexOf(text);
    expect(section).toMatch(/kubelet-config\.json: absent\n/);
    expect(at('/config.json\n{')).toBeGreaterThan(-1);
    expect(at('/config.json.d/10-earlier.conf\n')).toBeGreaterThan(at('/config.json\n{'));
    expect(at('/config.json.d/40-nodeadm.conf\n')).toBeGreaterThan(
      at('/config.json.d/10-earlier.conf\n'),
    );
    expect(section).toContain('"10.100.0.100"');
    expect(section).not.toContain('README');
    expect(dnsSignals(bundle)).toContain('pod-resolver-not-cluster-dns');
  }, 60_000);

  it('beyond 8 drop-ins, the last 8 (the ones in effect) are shown and the skipped ones counted', async () => {
    const files: Record<string, string> = { 'config.json': nodeadmConfig('10.100.0.10') };
    for (let i = 0; i < 10; i++)
      files[`config.json.d/${i}0-part.conf`] = nodeadmDropIn(
        i === 9 ? '10.100.0.100' : '10.100.0.10',
      );
    const { section } = await collectWithKubeletDir(files);
    expect(section).toContain(
      'config.json.d: 10 drop-ins; the first 2 (overridden by the ones below) are not shown',
    );
    expect(section).not.toContain('/00-part.conf');
    expect(section).not.toContain('/10-part.conf');
    expect(section).toContain('/20-part.conf');
    expect(section).toContain('/90-part.conf\n{');
    expect(section).toContain('"10.100.0.100"');
  }, 60_000);

  it("AL2 (bootstrap.sh): kubelet-config.json; one whose clusterDNS is the Service's address is no finding", async () => {
    const { section, bundle } = await collectWithKubeletDir({
      'kubelet-config.json':
        '{\n  "kind": "KubeletConfiguration",\n  "clusterDNS": [\n    "10.100.0.10"\n  ],\n  "clusterDomain": "cluster.local"\n}\n',
    });
    expect(section).toMatch(/\/kubelet-config\.json\n\{\n {2}"kind"/);
    expect(section).toMatch(/\/config\.json: absent\n/);
    expect(dnsSignals(bundle)).not.toContain('pod-resolver-not-cluster-dns');
  }, 60_000);

  it("containerd's config.toml: registry credentials masked in every TOML form, everything else kept", async () => {
    const secrets = [
      's3cret-1',
      'cm9ib3Q6czNjcmV0',
      'tok-2',
      's3cret-3',
      'tok-4',
      's3cret-5',
      's3cret-6',
      's3cret-7',
      'hdr-1',
      'hdr-2',
      'hdr-3',
      'hdr-4',
      'hdr-5',
      'tok-6',
      's3cret-8',
      'key-9',
      'cred-10',
      'hdr-11',
      'tok-12',
    ];
    const { section } = await collectWithKubeletDir(
      {},
      [
        'version = 2',
        '[plugins."io.containerd.grpc.v1.cri"]',
        '  sandbox_image = "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause:3.5"',
        '[plugins."io.containerd.grpc.v1.cri".registry.configs."reg.test".auth]',
        '  username = "robot"',
        '  password = "s3cret-1"',
        '  auth = "cm9ib3Q6czNjcmV0"',
        '  identitytoken = "tok-2"',
        '[plugins."io.containerd.grpc.v1.cri".registry.configs."b.test"]',
        '  auth.password = "s3cret-3"',
        `  "auth".token = 'tok-4'`,
        '[plugins."io.containerd.grpc.v1.cri".registry.configs]',
        '  "c.test" = { auth = { username = "u", password = "s3cret-5" } }',
        '  "d.test".auth = { Password = "s3cret-6" }',
        '[plugins."io.containerd.grpc.v1.cri".registry.configs."e.test".auth]',
        '  password = """',
        's3cret-7"""',
        // The headers containerd sends a registry: any header name may carry a credential.
        '[plugins."io.containerd.grpc.v1.cri".registry.headers]',
        '  X-Auth-Token = ["hdr-1"]',
        '  "Private-Token" = ["hdr-2"]',
        '  X-JFrog-Art-Api = [',
        '    "hdr-3",',
        '    ["hdr-4"]',
        '  ]',
        '  # the token is hdr-5',
        '[plugins."io.containerd.cri.v1.images".registry.configs."f.test"]',
        '  registry_token = "tok-6"',
        '  client_secret = "s3cret-8"',
        '  api-key = "key-9"',
        '  credentials = "cred-10"',
        '  headers."X-JFrog-Art-Api" = "hdr-11"',
        '  tokens = [',
        '    "tok-12",',
        '  ]',
        '[plugins."io.containerd.grpc.v1.cri".registry]',
        '  config_path = "/etc/containerd/certs.d"',
        '',
      ].join('\n'),
    );
    for (const secret of secrets) expect(section).not.toContain(secret);
    expect(section).toContain(
      '[plugins."io.containerd.grpc.v1.cri".registry.configs."reg.test".auth]',
    );
    // Every value of an .auth table, the user name too.
    expect(section).toContain(
      '  username = "<masked>"\n  password = "<masked>"\n  auth = "<masked>"',
    );
    expect(section).toContain('  "c.test" = "<masked>"');
    expect(section).toContain(
      '[plugins."io.containerd.grpc.v1.cri".registry.headers]\n  X-Auth-Token = "<masked>"\n  "Private-Token" = "<masked>"\n  X-JFrog-Art-Api = "<masked>"\n[',
    );
    expect(section).toContain('  registry_token = "<masked>"\n  client_secret = "<masked>"');
    expect(section).toContain('pause:3.5"');
    expect(section).toContain('  config_path = "/etc/containerd/certs.d"');
  }, 60_000);

  it("containerd's config.toml: a password holding a multi-line string's delimiter hides none of the lines after it", async () => {
    const { section } = await collectWithKubeletDir(
      {},
      [
        'version = 2',
        '[plugins."io.containerd.grpc.v1.cri".registry.configs."reg.test".auth]',
        `  password = 'ab"""cd'`,
        '[plugins."io.containerd.grpc.v1.cri".registry]',
        '  config_path = "/etc/containerd/certs.d"',
        '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
        '  SystemdCgroup = true',
        '',
      ].join('\n'),
    );
    expect(section).not.toContain('ab"""cd');
    expect(section).toContain(
      '  password = "<masked>"\n[plugins."io.containerd.grpc.v1.cri".registry]',
    );
    expect(section).toContain('  config_path = "/etc/containerd/certs.d"');
    expect(section).toContain('  SystemdCgroup = true');
  }, 60_000);
});
