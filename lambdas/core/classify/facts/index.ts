import type { JoinedFactKind, ParsedFactKind } from '../../runbook/model.js';
import { containerState } from './container-state.js';
import { diskUsage } from './disk-usage.js';
import { dnsLookup } from './dns-lookup.js';
import type { FactExtractor } from './fact.js';
import { groupShare } from './group-share.js';
import { diskEviction } from './joins/disk-eviction.js';
import { dnsResolver } from './joins/dns-resolver.js';
import type { FactJoin } from './joins/fact-join.js';
import { ingressBackend } from './joins/ingress-backend.js';
import { portPublished } from './joins/port-published.js';
import { proxyDial } from './joins/proxy-dial.js';
import { proxyRouted } from './joins/proxy-routed.js';
import { proxyDropped } from './joins/proxy-dropped.js';
import { serviceSelection } from './joins/service-selection.js';
import { ioWriter } from './io-writer.js';
import { k8sEvent } from './k8s-event.js';
import { loopDevices } from './loop-devices.js';
import { netInterface } from './net-interface.js';
import { netListener } from './net-listener.js';
import { nodeCondition } from './node-condition.js';
import { nodeTaint } from './node-taint.js';
import { podContainer } from './pod-container.js';
import { policyIsolation } from './policy-isolation.js';
import { policyVerdict } from './policy-verdict.js';
import { proxyRequest } from './proxy-request.js';
import { proxySetting } from './proxy-setting.js';
import { serviceUnit } from './service-unit.js';

/** Every fact extractor, by the fact kind runbooks name. */
export const FACT_EXTRACTORS: Readonly<Record<ParsedFactKind, FactExtractor>> = {
  'disk.usage': diskUsage,
  'net.listener': netListener,
  'net.interface': netInterface,
  'container.state': containerState,
  'pod.container': podContainer,
  'node.condition': nodeCondition,
  'node.taint': nodeTaint,
  'io.writer': ioWriter,
  'loop.devices': loopDevices,
  'dns.lookup': dnsLookup,
  'proxy.setting': proxySetting,
  'proxy.request': proxyRequest,
  'netpol.isolation': policyIsolation,
  'netpol.verdict': policyVerdict,
  'group.share': groupShare,
  'k8s.event': k8sEvent,
  'service.unit': serviceUnit,
};

/** Every cross-section join, by the fact kind runbooks name. */
export const FACT_JOINS: Readonly<Record<JoinedFactKind, FactJoin>> = {
  'port.published': portPublished,
  'service.selection': serviceSelection,
  'proxy.dial': proxyDial,
  'proxy.routed': proxyRouted,
  'ingress.backend': ingressBackend,
  'disk.eviction': diskEviction,
  'proxy.dropped': proxyDropped,
  'dns.resolver': dnsResolver,
};

export type { Fact, FactExtractor, FactValue } from './fact.js';
export { isJoinedKind } from './joins/fact-join.js';
export { forEachLine } from './fact.js';
