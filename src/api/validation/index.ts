// Validation of Kubernetes objects with Kubernetes' own rules; see README.md.
export type { FieldError, FieldErrorType } from './field.js';
export { formatFieldError } from './field.js';
export { validateObject } from './validate-object.js';
export { warningsForObject } from './warnings.js';
