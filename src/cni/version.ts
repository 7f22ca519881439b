// Spec versions: comparison, negotiation, and rendering a Result in the version the caller
// asked for. Results of 0.3.x/0.4.0 carry `version` on each IP; 1.1.0 added interface
// mtu/socketPath/pciID and route mtu/advmss/priority/table/scope, which older versions drop.
import { CniError, ErrorCode, SUPPORTED_VERSIONS, type Result } from './types.js';

function parts(v: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Negative, zero or positive like a sort comparator; malformed versions sort lowest. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a) ?? [-1, 0, 0];
  const pb = parts(b) ?? [-1, 0, 0];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

export const atLeast = (v: string, min: string) => compareVersions(v, min) >= 0;

export function isSupported(v: string): boolean {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** Throws code 1 unless `v` is one of ours. */
export function requireSupported(v: string | undefined): string {
  const version = v ?? '0.1.0'; // the spec: a config without cniVersion is 0.1.0
  if (!isSupported(version)) {
    throw new CniError(
      ErrorCode.IncompatibleVersion,
      'incompatible CNI versions',
      `config is "${version}", plugin supports ${JSON.stringify(SUPPORTED_VERSIONS)}`,
    );
  }
  return version;
}

/**
 * The version a runtime uses for a list: the highest of `cniVersions` (1.1.0) that we
 * support, else `cniVersion`. Throws code 1 when none is supported.
 */
export function negotiate(list: { cniVersion?: string; cniVersions?: string[] }): string {
  const offered = [...(list.cniVersions ?? []), ...(list.cniVersion ? [list.cniVersion] : [])];
  const ok = offered.filter(isSupported).sort(compareVersions);
  if (ok.length === 0) return requireSupported(offered[0]);
  return ok[ok.length - 1];
}

/** The Result as the given version would write it. */
export function convertResult(r: Result, version: string): Result {
  const modern = atLeast(version, '1.1.0');
  const out: Result = { cniVersion: version };
  if (r.interfaces) {
    out.interfaces = r.interfaces.map(({ name, mac, sandbox, mtu, socketPath, pciID }) => ({
      name,
      ...(mac !== undefined ? { mac } : {}),
      ...(modern && mtu !== undefined ? { mtu } : {}),
      ...(sandbox !== undefined ? { sandbox } : {}),
      ...(modern && socketPath !== undefined ? { socketPath } : {}),
      ...(modern && pciID !== undefined ? { pciID } : {}),
    }));
  }
  if (r.ips) {
    const legacy = !atLeast(version, '1.0.0');
    out.ips = r.ips.map((ip) => ({
      ...(legacy ? { version: ip.address.includes(':') ? '6' : '4' } : {}),
      ...ip,
    }));
  }
  if (r.routes) {
    out.routes = r.routes.map(({ dst, gw, ...rest }) => ({
      dst,
      ...(gw !== undefined ? { gw } : {}),
      ...(modern ? rest : {}),
    }));
  }
  if (r.dns) out.dns = r.dns;
  return out;
}
