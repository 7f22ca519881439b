// Message tables of k8s.io/api core/v1/generated.proto for what `kubectl create namespace|
// configmap|secret|service` and the pod templates of `create deployment|job` send. Each listed
// message has all its fields whose types are scalars or listed messages; fields of other message
// types (volumes, probes, affinity, security contexts, env sources, ...) are not sent by those
// generators and are skipped. `pointer` marks the Go pointer fields of core/v1/types.go.
import { IntOrString, ObjectMeta, Quantity } from './meta.js';
import { field, map, pointer, repeated, type Message } from './wire.js';

// Namespace.status (3), Service.status (3): upstream's PrepareForCreate resets status, so it is
// not decoded (Namespace gets phase Active in admission.ts).
export const Namespace: Message = {
  fields: {
    1: field('metadata', ObjectMeta),
    2: field('spec', { fields: { 1: repeated('finalizers', 'string') } }),
  },
};

export const ConfigMap: Message = {
  fields: {
    1: field('metadata', ObjectMeta),
    4: pointer('immutable', 'bool'),
    2: map('data', 'string'),
    3: map('binaryData', 'bytes'),
  },
};

export const Secret: Message = {
  fields: {
    1: field('metadata', ObjectMeta),
    5: pointer('immutable', 'bool'),
    2: map('data', 'bytes'),
    4: map('stringData', 'string'),
    3: field('type', 'string'),
  },
};

const ServicePort: Message = {
  fields: {
    1: field('name', 'string'),
    2: field('protocol', 'string'),
    6: pointer('appProtocol', 'string'),
    3: field('port', 'int32'),
    4: field('targetPort', IntOrString),
    5: field('nodePort', 'int32'),
  },
};

const SessionAffinityConfig: Message = {
  fields: { 1: pointer('clientIP', { fields: { 1: pointer('timeoutSeconds', 'int32') } }) },
};

const ServiceSpec: Message = {
  fields: {
    1: repeated('ports', ServicePort),
    2: map('selector', 'string'),
    3: field('clusterIP', 'string'),
    18: repeated('clusterIPs', 'string'),
    4: field('type', 'string'),
    5: repeated('externalIPs', 'string'),
    7: field('sessionAffinity', 'string'),
    8: field('loadBalancerIP', 'string'),
    9: repeated('loadBalancerSourceRanges', 'string'),
    10: field('externalName', 'string'),
    11: field('externalTrafficPolicy', 'string'),
    12: field('healthCheckNodePort', 'int32'),
    13: field('publishNotReadyAddresses', 'bool'),
    14: pointer('sessionAffinityConfig', SessionAffinityConfig),
    19: repeated('ipFamilies', 'string'),
    17: pointer('ipFamilyPolicy', 'string'),
    20: pointer('allocateLoadBalancerNodePorts', 'bool'),
    21: pointer('loadBalancerClass', 'string'),
    22: pointer('internalTrafficPolicy', 'string'),
    23: pointer('trafficDistribution', 'string'),
  },
};

export const Service: Message = {
  fields: { 1: field('metadata', ObjectMeta), 2: field('spec', ServiceSpec) },
};

const ContainerPort: Message = {
  fields: {
    1: field('name', 'string'),
    2: field('hostPort', 'int32'),
    3: field('containerPort', 'int32'),
    4: field('protocol', 'string'),
    5: field('hostIP', 'string'),
  },
};

/** ResourceRequirements without 3 claims (dynamic resource allocation). */
const ResourceRequirements: Message = {
  fields: { 1: map('limits', Quantity), 2: map('requests', Quantity) },
};

const Container: Message = {
  fields: {
    1: field('name', 'string'),
    2: field('image', 'string'),
    3: repeated('command', 'string'),
    4: repeated('args', 'string'),
    5: field('workingDir', 'string'),
    6: repeated('ports', ContainerPort),
    8: field('resources', ResourceRequirements),
    24: pointer('restartPolicy', 'string'),
    13: field('terminationMessagePath', 'string'),
    20: field('terminationMessagePolicy', 'string'),
    14: field('imagePullPolicy', 'string'),
    16: field('stdin', 'bool'),
    17: field('stdinOnce', 'bool'),
    18: field('tty', 'bool'),
  },
};

const PodSpec: Message = {
  fields: {
    20: repeated('initContainers', Container),
    2: repeated('containers', Container),
    3: field('restartPolicy', 'string'),
    4: pointer('terminationGracePeriodSeconds', 'int64'),
    5: pointer('activeDeadlineSeconds', 'int64'),
    6: field('dnsPolicy', 'string'),
    7: map('nodeSelector', 'string'),
    8: field('serviceAccountName', 'string'),
    9: field('serviceAccount', 'string'),
    21: pointer('automountServiceAccountToken', 'bool'),
    10: field('nodeName', 'string'),
    11: field('hostNetwork', 'bool'),
    12: field('hostPID', 'bool'),
    13: field('hostIPC', 'bool'),
    27: pointer('shareProcessNamespace', 'bool'),
    16: field('hostname', 'string'),
    17: field('subdomain', 'string'),
    19: field('schedulerName', 'string'),
    24: field('priorityClassName', 'string'),
    25: pointer('priority', 'int32'),
    29: pointer('runtimeClassName', 'string'),
    30: pointer('enableServiceLinks', 'bool'),
    31: pointer('preemptionPolicy', 'string'),
    32: map('overhead', Quantity),
    35: pointer('setHostnameAsFQDN', 'bool'),
    37: pointer('hostUsers', 'bool'),
    40: pointer('resources', ResourceRequirements),
    41: pointer('hostnameOverride', 'string'),
  },
};

export const PodTemplateSpec: Message = {
  fields: { 1: field('metadata', ObjectMeta), 2: field('spec', PodSpec) },
};
