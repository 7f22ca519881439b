// The narrow API that controllers use. The in-process implementation wraps the store; the
// HTTP implementation (against podnet's or a real API server) has the same shape, so the
// controllers run unchanged in every mode.
import type { KubeObject } from '../api/types.js';
import { deleteObject, type DeleteOptions } from './graceful.js';
import type { ObjectStore } from './store.js';

export interface ObjectClient {
  list<T extends KubeObject>(kind: string, namespace?: string): Promise<T[]>;
  get<T extends KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined>;
  create<T extends KubeObject>(obj: T): Promise<T>;
  /** Replaces the object; fails with Conflict when metadata.resourceVersion is stale. */
  update<T extends KubeObject>(obj: T): Promise<T>;
  /** Pods are deleted gracefully (graceful.ts): marked Terminating until their node stops them. */
  delete(kind: string, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void>;
}

export class StoreClient implements ObjectClient {
  constructor(private readonly store: ObjectStore) {}

  async list<T extends KubeObject>(kind: string, namespace?: string): Promise<T[]> {
    return this.store.list(kind, namespace) as T[];
  }
  async get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string) {
    return this.store.get(kind, namespace, name) as T | undefined;
  }
  async create<T extends KubeObject>(obj: T): Promise<T> {
    return this.store.create(obj) as T;
  }
  async update<T extends KubeObject>(obj: T): Promise<T> {
    return this.store.update(obj) as T;
  }
  async delete(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}) {
    deleteObject(this.store, kind, namespace, name, opts, new Date());
  }
}
