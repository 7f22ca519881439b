// The transport-neutral request/response of the API handlers: server.ts adapts node:http to these,
// and tests can call the handlers directly.
import type { ObjectStore } from '../store/store.js';

export interface ApiRequest {
  method: string;
  /** URL path, not decoded. */
  path: string;
  query: URLSearchParams;
  /** The Accept header ('' when absent). */
  accept: string;
  contentType?: string;
  /** The body as UTF-8 text (JSON, YAML). */
  body: string;
  /** The body's bytes, for binary media types (protobuf); listeners set it, tests may not. */
  bytes?: Uint8Array;
}

/** Where a streaming response (watch) writes; `onClose` fires when the client goes away. */
export interface Sink {
  write(chunk: string): void;
  end(): void;
  onClose(fn: () => void): void;
}

export type ApiResponse =
  | { status: number; contentType: string; body: string; headers?: Record<string, string> }
  | { status: number; contentType: string; stream: (sink: Sink) => void };

export interface ApiContext {
  store: ObjectStore;
  /** Resolves when committed writes are durable (the SQLite persister); absent = in-memory only. */
  flushed?: () => Promise<void>;
  now: () => Date;
  /** Five random lower-case alphanumerics for generateName. */
  randomSuffix: () => string;
  /** Interval of watch BOOKMARK events when a client allows them. */
  bookmarkIntervalMs?: number;
}

export const JSON_TYPE = 'application/json';
export const TABLE_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function jsonResponse(status: number, body: unknown, contentType = JSON_TYPE): ApiResponse {
  return { status, contentType, body: JSON.stringify(body) };
}
