// Minimal OpenAPI v3 (kubectl-wire.md §1.5): an index and one document per group version whose
// PATCH/POST/PUT operations carry `x-kubernetes-group-version-kind` and a `fieldValidation`
// parameter. That makes kubectl validate on the server (fieldValidation=Strict, accepted and not
// enforced here) so `kubectl apply|create -f` work under the default --validate=strict. No
// schemas: `kubectl explain` prints stubs. No `requestBody` content types, so kubectl computes
// strategic merge patches from its compiled-in types (correct for built-in kinds).
import { createHash } from 'node:crypto';
import { objectPath } from './paths.js';
import { groupVersions, resourcesIn } from './resources.js';

/** `api/v1` / `apis/apps/v1`: the index key of a group version. */
const indexKey = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

export function openapiDocument(groupVersion: string): object | undefined {
  const gv = groupVersions().find((g) => indexKey(g.group, g.version) === groupVersion);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  const fieldValidation = { name: 'fieldValidation', in: 'query', schema: { type: 'string' } };
  for (const r of resourcesIn(gv.group, gv.version)) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [fieldValidation],
      responses: { '200': { description: 'OK' } },
    });
    const ns = r.namespaced ? '{namespace}' : undefined;
    // Reviews have no objects to read or change: only POST on the collection.
    if (!r.review)
      paths[objectPath(r, ns, '{name}').replace(/%7B/g, '{').replace(/%7D/g, '}')] = {
        get: { ...op('get'), parameters: [] },
        put: op('put'),
        patch: op('patch'),
        delete: { ...op('delete'), parameters: [] },
      };
    paths[objectPath(r, ns).replace(/%7B/g, '{').replace(/%7D/g, '}')] = { post: op('post') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(doc: object): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16).toUpperCase();
}

export function openapiIndex(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions()) {
    const key = indexKey(group, version);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(openapiDocument(key)!)}` };
  }
  return { paths };
}
