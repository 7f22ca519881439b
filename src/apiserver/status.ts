// metav1.Status errors (k8s.io/apimachinery/pkg/api/errors): every non-2xx answer is a Status, so
// kubectl prints `Error from server (<reason>): <message>`. ApiError carries one through handlers.
import type { FieldError, FieldErrorType } from '../api/validation/index.js';
import { formatFieldError } from '../api/validation/index.js';
import { StoreError } from '../store/errors.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

export function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}

export function success(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/** `pods` / `deployments.apps`: how upstream names a resource in messages (qualified resource). */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const notFound = (plural: string, group: string, name: string) =>
  new ApiError(
    failure(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, {
      name,
      group,
      kind: plural,
    }),
  );

export const alreadyExists = (plural: string, group: string, name: string) =>
  new ApiError(
    failure(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, {
      name,
      group,
      kind: plural,
    }),
  );

export const conflict = (plural: string, group: string, name: string) =>
  new ApiError(
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group, kind: plural },
    ),
  );

export const badRequest = (message: string) => new ApiError(failure(400, 'BadRequest', message));
export const methodNotAllowed = (method: string) =>
  new ApiError(
    failure(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource (${method})`,
    ),
  );
export const expired = (message: string) => new ApiError(failure(410, 'Expired', message));
export const unsupportedMediaType = (type: string) =>
  new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (got ${type})`,
    ),
  );
/** 415 for a protobuf body this server cannot decode (`what`: the kind or the encoding). */
export const unsupportedProtobuf = (what: string) =>
  new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `protobuf bodies of ${what} are not supported by this server: send application/json`,
    ),
  );
export const unauthorized = () => new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
export const pathNotFound = () =>
  new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource'));

const causeReason: Record<FieldErrorType, string> = {
  'Invalid value': 'FieldValueInvalid',
  'Required value': 'FieldValueRequired',
  'Unsupported value': 'FieldValueNotSupported',
  'Duplicate value': 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  'Too long': 'FieldValueTooLong',
  'Too many': 'FieldValueTooMany',
  'Not found': 'FieldValueNotFound',
};

/**
 * 422 Invalid (errors.NewInvalid): message `<Kind[.group]> "<name>" is invalid: <errs>` where one
 * error is printed bare and several as `[e1, e2]` (utilerrors.Aggregate); one cause per error with
 * the message without its path.
 */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): ApiError {
  const texts = errs.map(formatFieldError);
  const agg = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const causes = errs.map((e, i) => ({
    reason: causeReason[e.type],
    message: texts[i].slice(e.path.length + 2),
    field: e.path,
  }));
  const qkind = group ? `${kind}.${group}` : kind;
  return new ApiError(
    failure(422, 'Invalid', `${qkind} "${name}" is invalid: ${agg}`, { name, group, kind, causes }),
  );
}

/** Maps store errors to API errors for a resource; anything else becomes a 500. */
export function fromStoreError(e: unknown, plural: string, group: string, name: string): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof StoreError) {
    switch (e.reason) {
      case 'NotFound':
        return notFound(plural, group, name);
      case 'AlreadyExists':
        return alreadyExists(plural, group, name);
      case 'Conflict':
        return conflict(plural, group, name);
      case 'Expired':
        return expired(e.message);
      case 'Invalid':
        return new ApiError(failure(422, 'Invalid', e.message));
    }
  }
  return new ApiError(
    failure(500, 'InternalError', `Internal error occurred: ${String((e as Error)?.message ?? e)}`),
  );
}
