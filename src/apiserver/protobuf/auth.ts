// Message tables of the reviews kubectl posts: SelfSubjectAccessReview and SelfSubjectRulesReview
// (k8s.io/api authorization/v1/generated.proto; `auth can-i`, `auth can-i --list`) and
// SelfSubjectReview (authentication/v1/generated.proto; `auth whoami`). Only the questions (spec)
// are decoded: the status is the server's answer (reviews.ts).
import { ObjectMeta } from './meta.js';
import { field, pointer, type Message } from './wire.js';

/** ResourceAttributes without 8 fieldSelector and 9 labelSelector (kubectl 1.32 sends neither). */
const ResourceAttributes: Message = {
  fields: {
    1: field('namespace', 'string'),
    2: field('verb', 'string'),
    3: field('group', 'string'),
    4: field('version', 'string'),
    5: field('resource', 'string'),
    6: field('subresource', 'string'),
    7: field('name', 'string'),
  },
};

export const SelfSubjectAccessReview: Message = {
  fields: {
    1: field('metadata', ObjectMeta),
    2: field('spec', {
      fields: {
        1: pointer('resourceAttributes', ResourceAttributes),
        2: pointer('nonResourceAttributes', {
          fields: { 1: field('path', 'string'), 2: field('verb', 'string') },
        }),
      },
    }),
  },
};

export const SelfSubjectRulesReview: Message = {
  fields: {
    1: field('metadata', ObjectMeta),
    2: field('spec', { fields: { 1: field('namespace', 'string') } }),
  },
};

/** SelfSubjectReview asks nothing: its only other field is the answer (2 status). */
export const SelfSubjectReview: Message = {
  fields: { 1: field('metadata', ObjectMeta) },
};
