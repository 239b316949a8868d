/**
 * The structural subset of Kubernetes API objects the core reads. Shapes follow the API
 * (and @kubernetes/client-node's V1 models, which deserialize timestamps to Date), so objects
 * from the client, from JSON fixtures or from `kubectl get -o json` all fit.
 */

/** A timestamp as the API returns it: RFC 3339 text in JSON, a Date from the client. */
export type Timestamp = Date | string;

/** A map of labels or annotations. */
export type StringMap = Readonly<Record<string, string>>;

/** metadata of any object. */
export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  /** Optimistic-concurrency token: a write that carries it fails with 409 when the object changed since. */
  readonly resourceVersion?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly creationTimestamp?: Timestamp;
  readonly deletionTimestamp?: Timestamp;
  readonly ownerReferences?: readonly {
    readonly kind: string;
    readonly name: string;
    readonly controller?: boolean;
    readonly apiVersion?: string;
  }[];
}

/** One requirement of a label selector. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  readonly values?: readonly string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  readonly matchLabels?: StringMap;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** A port given as a number or a name. */
export type IntOrString = number | string;

/** Container probe. */
export interface Probe {
  readonly exec?: { readonly command?: readonly string[] };
  readonly httpGet?: {
    readonly path?: string;
    readonly port: IntOrString;
    readonly host?: string;
    readonly scheme?: string;
  };
  readonly tcpSocket?: { readonly port: IntOrString; readonly host?: string };
  readonly grpc?: { readonly port: number; readonly service?: string };
  readonly initialDelaySeconds?: number;
  readonly timeoutSeconds?: number;
  readonly periodSeconds?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
}

/** Requests and limits, quantities as strings ("100m", "128Mi"). */
export interface ResourceRequirements {
  readonly limits?: StringMap;
  readonly requests?: StringMap;
}

/** An environment variable of a container. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: {
      readonly name?: string;
      readonly key: string;
      readonly optional?: boolean;
    };
    readonly configMapKeyRef?: {
      readonly name?: string;
      readonly key: string;
      readonly optional?: boolean;
    };
    readonly fieldRef?: { readonly fieldPath: string; readonly apiVersion?: string };
    readonly resourceFieldRef?: { readonly resource: string; readonly containerName?: string };
  };
}

/** A container of a pod spec. */
export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly {
    readonly name?: string;
    readonly containerPort: number;
    readonly hostPort?: number;
    readonly protocol?: string;
  }[];
  readonly env?: readonly EnvVar[];
  readonly resources?: ResourceRequirements;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly volumeMounts?: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly readOnly?: boolean;
    readonly subPath?: string;
  }[];
}

/** One state of a container. */
export interface ContainerState {
  readonly running?: { readonly startedAt?: Timestamp };
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly terminated?: {
    readonly exitCode: number;
    readonly signal?: number;
    readonly reason?: string;
    readonly message?: string;
    readonly startedAt?: Timestamp;
    readonly finishedAt?: Timestamp;
  };
}

/** Status of one container. */
export interface ContainerStatus {
  readonly name: string;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly image?: string;
  readonly imageID?: string;
  readonly containerID?: string;
  readonly started?: boolean;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}

/** A toleration of a pod. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

/** A pod condition or a node condition. */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastHeartbeatTime?: Timestamp;
  readonly lastTransitionTime?: Timestamp;
  readonly lastProbeTime?: Timestamp;
}

/** A pod. */
export interface Pod {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers: readonly Container[];
    readonly initContainers?: readonly Container[];
    readonly serviceAccountName?: string;
    readonly priority?: number;
    readonly priorityClassName?: string;
    readonly nodeSelector?: StringMap;
    readonly tolerations?: readonly Toleration[];
    readonly volumes?: readonly { readonly name: string; readonly [k: string]: unknown }[];
    readonly hostNetwork?: boolean;
  };
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly message?: string;
    readonly hostIP?: string;
    readonly podIP?: string;
    readonly podIPs?: readonly { readonly ip: string }[];
    readonly startTime?: Timestamp;
    readonly qosClass?: string;
    readonly nominatedNodeName?: string;
    readonly conditions?: readonly Condition[];
    readonly containerStatuses?: readonly ContainerStatus[];
    readonly initContainerStatuses?: readonly ContainerStatus[];
  };
}

/** A node taint. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
  readonly timeAdded?: Timestamp;
}

/** A node. */
export interface Node {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly unschedulable?: boolean;
    readonly taints?: readonly Taint[];
    readonly providerID?: string;
    readonly podCIDR?: string;
    readonly podCIDRs?: readonly string[];
  };
  readonly status?: {
    readonly conditions?: readonly Condition[];
    readonly addresses?: readonly { readonly type: string; readonly address: string }[];
    readonly capacity?: StringMap;
    readonly allocatable?: StringMap;
    readonly nodeInfo?: {
      readonly machineID?: string;
      readonly systemUUID?: string;
      readonly bootID?: string;
      readonly kernelVersion?: string;
      readonly osImage?: string;
      readonly operatingSystem?: string;
      readonly architecture?: string;
      readonly containerRuntimeVersion?: string;
      readonly kubeletVersion?: string;
      readonly kubeProxyVersion?: string;
    };
  };
}

/** A core/v1 Event. */
export interface Event {
  readonly metadata?: ObjectMeta;
  readonly involvedObject: {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly fieldPath?: string;
    readonly uid?: string;
  };
  readonly reason?: string;
  readonly message?: string;
  readonly type?: string;
  readonly count?: number;
  readonly firstTimestamp?: Timestamp;
  readonly lastTimestamp?: Timestamp;
  readonly eventTime?: Timestamp;
  readonly series?: { readonly count?: number; readonly lastObservedTime?: Timestamp };
  readonly source?: { readonly component?: string; readonly host?: string };
  readonly reportingComponent?: string;
}

/** A NetworkPolicy port. */
export interface NetworkPolicyPort {
  readonly port?: IntOrString;
  readonly endPort?: number;
  readonly protocol?: string;
}

/** A NetworkPolicy peer. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

/** A networking.k8s.io/v1 NetworkPolicy. */
export interface NetworkPolicy {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly podSelector?: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly {
      readonly from?: readonly NetworkPolicyPeer[];
      readonly ports?: readonly NetworkPolicyPort[];
    }[];
    readonly egress?: readonly {
      readonly to?: readonly NetworkPolicyPeer[];
      readonly ports?: readonly NetworkPolicyPort[];
    }[];
  };
}

/** A service port. */
export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: IntOrString;
  readonly protocol?: string;
  readonly nodePort?: number;
}

/** A core/v1 Service. */
export interface Service {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly type?: string;
    readonly selector?: StringMap;
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
    readonly ipFamilies?: readonly string[];
    readonly ipFamilyPolicy?: string;
    readonly ports?: readonly ServicePort[];
    readonly sessionAffinity?: string;
    readonly externalName?: string;
    readonly internalTrafficPolicy?: string;
    readonly externalTrafficPolicy?: string;
    readonly externalIPs?: readonly string[];
  };
  readonly status?: {
    readonly loadBalancer?: {
      readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[];
    };
  };
}

/** An address of an Endpoints subset. */
export interface EndpointAddress {
  readonly ip: string;
  readonly nodeName?: string;
  readonly targetRef?: {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
  };
}

/** A core/v1 Endpoints object. */
export interface Endpoints {
  readonly metadata?: ObjectMeta;
  readonly subsets?: readonly {
    readonly addresses?: readonly EndpointAddress[];
    readonly notReadyAddresses?: readonly EndpointAddress[];
    readonly ports?: readonly {
      readonly name?: string;
      readonly port: number;
      readonly protocol?: string;
    }[];
  }[];
}

/** The backend of an Ingress rule path. */
export interface IngressBackend {
  readonly service?: {
    readonly name: string;
    readonly port?: { readonly number?: number; readonly name?: string };
  };
  readonly resource?: { readonly kind: string; readonly name: string; readonly apiGroup?: string };
}

/** A networking.k8s.io/v1 Ingress. */
export interface Ingress {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly defaultBackend?: IngressBackend;
    readonly tls?: readonly { readonly hosts?: readonly string[]; readonly secretName?: string }[];
    readonly rules?: readonly {
      readonly host?: string;
      readonly http?: {
        readonly paths: readonly {
          readonly path?: string;
          readonly pathType?: string;
          readonly backend: IngressBackend;
        }[];
      };
    }[];
  };
  readonly status?: {
    readonly loadBalancer?: {
      readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[];
    };
  };
}

/** A core/v1 Namespace (only its labels matter for policy evaluation). */
export interface Namespace {
  readonly metadata?: ObjectMeta;
}
