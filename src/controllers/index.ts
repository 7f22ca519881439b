// The controllers of a simulated cluster, in the order one round runs them.
import type { ClusterConfig } from '../api/cluster.js';
import type { Controller } from './controller.js';
import { endpointSliceController } from './endpointslice/controller.js';
import { kubeletSimController } from './kubelet-sim.js';
import { loadBalancerController } from './loadbalancer.js';
import { namespaceController } from './namespace.js';
import { nodeIpamController } from './node-ipam.js';
import { schedulerController } from './scheduler.js';
import { serviceAllocatorController } from './service-allocator.js';
import { workloadsController } from './workloads.js';

/** Cluster controllers that run in every mode (offline, local cluster, API server). */
export function clusterControllers(config: ClusterConfig): Controller[] {
  return [
    namespaceController,
    nodeIpamController(config),
    serviceAllocatorController(config),
    loadBalancerController(config),
    workloadsController,
    schedulerController,
    endpointSliceController(),
  ];
}

/** Offline, the kubelet's and CNI's part is simulated too (see kubelet-sim.ts). */
export function offlineControllers(config: ClusterConfig): Controller[] {
  const cluster = clusterControllers(config);
  const slices = cluster.pop()!;
  return [...cluster, kubeletSimController(config), slices];
}
