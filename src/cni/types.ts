// CNI spec 1.1.0 wire types (containernetworking/cni SPEC.md, tag spec-v1.1.0) and its error
// model. Field names are the spec's, verbatim, because these objects are JSON on a pipe.

/** The spec versions this package speaks, oldest first. */
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export const CURRENT_VERSION = '1.1.0';

/** One plugin's configuration as it arrives on stdin (the list's name and version injected). */
export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  capabilities?: Record<string, boolean>;
  runtimeConfig?: Record<string, unknown>;
  args?: Record<string, unknown>;
  ipam?: { type: string; [key: string]: unknown };
  dns?: Dns;
  prevResult?: Result;
  /** GC only: attachments the runtime still knows about. */
  'cni.dev/valid-attachments'?: Attachment[];
  [key: string]: unknown;
}

/** A network configuration list (the runtime's `.conflist`). */
export interface NetConfList {
  cniVersion: string;
  /** 1.1.0: every version the file is valid for; the runtime picks the highest it supports. */
  cniVersions?: string[];
  name: string;
  disableCheck?: boolean;
  disableGC?: boolean;
  plugins: Array<{ type: string; [key: string]: unknown }>;
}

export interface Attachment {
  containerID: string;
  ifname: string;
}

export interface Interface {
  name: string;
  mac?: string;
  mtu?: number;
  /** Set for interfaces inside the container: the netns path. */
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}

export interface IPConfig {
  /** CIDR notation: the address and its subnet's prefix length, e.g. 10.244.0.5/24. */
  address: string;
  gateway?: string;
  /** Index into Result.interfaces. */
  interface?: number;
}

export interface Route {
  dst: string;
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  scope?: number;
}

export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface Result {
  cniVersion: string;
  interfaces?: Interface[];
  ips?: IPConfig[];
  routes?: Route[];
  dns?: Dns;
}

/** The spec's well-known error codes; 100 and above are plugin-specific. */
export const ErrorCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IOFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  TryAgainLater: 11,
  /** STATUS: the plugin cannot serve ADD now. */
  NotAvailable: 50,
  /** STATUS: not available, and existing containers may have limited connectivity. */
  NotAvailableLimitedConnectivity: 51,
  /** Plugin-specific: a failure with no better code (upstream uses 999). */
  Internal: 999,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The error object a plugin prints on stdout (and exits non-zero). */
export class CniError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly details = '',
  ) {
    super(details ? `${msg}: ${details}` : msg);
  }

  toJSON(cniVersion: string): { cniVersion: string; code: number; msg: string; details?: string } {
    return { cniVersion, code: this.code, msg: this.msg, ...(this.details ? { details: this.details } : {}) };
  }
}

export const isCniError = (e: unknown): e is CniError => e instanceof CniError;

/** Any thrown value as a CniError; foreign errors become code 999 with their message as details. */
export function asCniError(e: unknown, doing: string): CniError {
  if (e instanceof CniError) return e;
  return new CniError(ErrorCode.Internal, doing, e instanceof Error ? e.message : String(e));
}

/** Parses a plugin's error output (`{code, msg, details}`); null when it is not one. */
export function parseCniError(text: string): CniError | null {
  try {
    const o = JSON.parse(text) as { code?: unknown; msg?: unknown; details?: unknown };
    if (typeof o.code !== 'number') return null;
    return new CniError(o.code, String(o.msg ?? ''), typeof o.details === 'string' ? o.details : '');
  } catch {
    return null;
  }
}
