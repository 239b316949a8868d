import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { EksTokenSource, type EksTokenOptions } from './eks-token.js';

/** The typed API clients one read or action needs, bound to one KubeConfig. */
export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly networking: NetworkingV1Api;
  readonly version: VersionApi;
  /** The API server URL, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com`. */
  readonly server: string;
  /** Name of the cluster (EKS name or kubeconfig cluster entry). */
  readonly clusterName: string;
}

/** Gives out clients with valid credentials; call `clients()` per unit of work so tokens stay fresh. */
export interface KubeAccess {
  clients(): Promise<KubeClients>;
}

/** The cluster endpoint or kubeconfig context could not be resolved. */
export class KubeAccessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeAccessError';
  }
}

function clientsFor(kc: KubeConfig, clusterName: string): KubeClients {
  const server = kc.getCurrentCluster()?.server ?? '';
  return {
    kubeConfig: kc,
    server,
    clusterName,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    version: kc.makeApiClient(VersionApi),
  };
}

/** Builds a KubeConfig for a bearer token against an endpoint with a base64 PEM CA (as EKS returns it). */
export function tokenKubeConfig(
  clusterName: string,
  server: string,
  caData: string,
  token: string,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: clusterName, server, caData, skipTLSVerify: false }],
    users: [{ name: 'paramedic', token }],
    contexts: [{ name: clusterName, cluster: clusterName, user: 'paramedic' }],
    currentContext: clusterName,
  });
  return kc;
}

/** Where an EKS cluster lives and how to sign for it. */
export interface EksAccessOptions extends Omit<EksTokenOptions, 'now'> {
  /** Client for DescribeCluster (endpoint + CA). */
  readonly eks: Pick<EKSClient, 'send'>;
  readonly clock?: { now(): Date };
}

/**
 * Access to an EKS cluster: endpoint and CA from eks:DescribeCluster (once), a k8s-aws-v1 token
 * re-signed before it expires; the KubeConfig is rebuilt whenever the token changes.
 */
export class EksKubeAccess implements KubeAccess {
  private readonly tokens: EksTokenSource;
  private cluster?: { endpoint: string; caData: string };
  private cached?: { token: string; clients: KubeClients };

  constructor(private readonly options: EksAccessOptions) {
    this.tokens = new EksTokenSource(options, options.clock);
  }

  async clients(): Promise<KubeClients> {
    if (!this.cluster) {
      const out = await this.options.eks.send(
        new DescribeClusterCommand({ name: this.options.clusterName }),
      );
      const endpoint = out.cluster?.endpoint;
      const caData = out.cluster?.certificateAuthority?.data;
      if (!endpoint || !caData) {
        throw new KubeAccessError(
          `EKS cluster ${this.options.clusterName} has no endpoint or CA yet (status ${out.cluster?.status ?? 'unknown'}); wait until it is ACTIVE`,
        );
      }
      this.cluster = { endpoint, caData };
    }
    const token = await this.tokens.get();
    if (this.cached?.token !== token.token) {
      this.cached = {
        token: token.token,
        clients: clientsFor(
          tokenKubeConfig(
            this.options.clusterName,
            this.cluster.endpoint,
            this.cluster.caData,
            token.token,
          ),
          this.options.clusterName,
        ),
      };
    }
    return this.cached.clients;
  }
}

/** Access through a kubeconfig file (local use); `context` defaults to the file's current-context. */
export class KubeconfigAccess implements KubeAccess {
  private readonly kc: KubeConfig;

  constructor(file: string, context?: string) {
    this.kc = new KubeConfig();
    try {
      this.kc.loadFromFile(file);
    } catch (cause) {
      throw new KubeAccessError(`cannot read kubeconfig ${file}: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (context) {
      if (!this.kc.getContexts().some((c) => c.name === context)) {
        throw new KubeAccessError(
          `kubeconfig ${file} has no context "${context}"; it has: ${
            this.kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          }`,
        );
      }
      this.kc.setCurrentContext(context);
    }
    if (!this.kc.getCurrentCluster())
      throw new KubeAccessError(
        `kubeconfig ${file}: current context has no cluster; pass --context`,
      );
  }

  async clients(): Promise<KubeClients> {
    const ctx = this.kc.getContextObject(this.kc.getCurrentContext());
    return clientsFor(this.kc, ctx?.cluster ?? this.kc.getCurrentCluster()?.name ?? 'cluster');
  }
}
