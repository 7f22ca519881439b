// The reviews of `kubectl auth`: SelfSubjectAccessReview (`can-i`), SelfSubjectRulesReview
// (`can-i --list`) and SelfSubjectReview (`whoami`), questions about the caller that are answered
// and never stored (upstream: pkg/registry/authorization and authentication). podnet has one
// identity with full access: the kubeconfig's bearer token and the 0600 Unix socket both act as the
// cluster admin (the pods' read socket refuses every POST, read-access.ts), so every access review
// is allowed and the rules are `*`.
import type { KubeObject } from '../api/types.js';
import type { ResourceRoute } from './rest.js';
import type { Resource } from './resources.js';
import { apiVersionOf } from './resources.js';
import { badRequest, invalid, methodNotAllowed, pathNotFound } from './status.js';
import type { ApiRequest, ApiResponse } from './types.js';
import { jsonResponse } from './types.js';
import { decodeBody } from './write.js';

/** Who every authenticated caller is: a member of system:masters, as a cluster admin upstream. */
export const ADMIN_USER = { username: 'podnet-admin', groups: ['system:masters', 'system:authenticated'] };

type Answer = (review: KubeObject, r: Resource) => Omit<KubeObject, 'apiVersion' | 'kind' | 'metadata'>;

const answers: Record<string, Answer> = {
  SelfSubjectAccessReview: (review, r) => {
    const spec = (review.spec ?? {}) as Record<string, unknown>;
    if (!spec.resourceAttributes === !spec.nonResourceAttributes)
      throw invalid(r.kind, r.group, '', [
        {
          path: 'spec.resourceAttributes',
          type: 'Invalid value',
          value: spec.resourceAttributes ?? null,
          detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
        },
      ]);
    return { spec, status: { allowed: true } };
  },
  SelfSubjectRulesReview: (review) => ({
    spec: review.spec ?? {},
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  }),
  SelfSubjectReview: () => ({ status: { userInfo: ADMIN_USER } }),
};

/** POST on a review collection → 201 with the review and its answer (JSON, also to protobuf). */
export function handleReview(req: ApiRequest, route: ResourceRoute, r: Resource): ApiResponse {
  if (route.name !== undefined) throw pathNotFound();
  if (req.method !== 'POST') throw methodNotAllowed(req.method);
  const review = decodeBody(req);
  const apiVersion = apiVersionOf(r);
  if ((review.kind ?? r.kind) !== r.kind || (review.apiVersion ?? apiVersion) !== apiVersion)
    throw badRequest(`the body is a ${String(review.kind)} of ${String(review.apiVersion)}, not a ${r.kind}`);
  return jsonResponse(201, {
    kind: r.kind,
    apiVersion,
    metadata: review.metadata ?? {},
    ...answers[r.kind](review, r),
  });
}
