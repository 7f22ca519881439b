// Per namespace, the SOA serial of the last change of the current index that could alter the
// answers of that namespace (../answer-scope.ts): a reply cached at serial S is still true while
// its namespace's last change is at most S (every change raises the serial). The global scope
// needs no entry here: any change alters it, so a global reply is current only at its own serial.
// Holds one number per namespace changed since the last build (namespaces come from API objects,
// never from questions); a build, or a change that may have touched anything, clears it.

export class ScopeSerials {
  private readonly byNamespace = new Map<string, number>();
  /** The last change that may have touched every namespace; below every entry of the map. */
  private all = 0;

  /** A change, now at `serial`, of objects of `namespaces`. */
  changed(serial: number, namespaces: readonly string[]): void {
    for (const ns of namespaces) this.byNamespace.set(ns, serial);
  }

  /** A change, now at `serial`, that may have altered any answer (a new index, a failed update). */
  changedAll(serial: number): void {
    this.byNamespace.clear();
    this.all = serial;
  }

  /** The serial of the last change that could alter an answer of `namespace`. */
  lastChange(namespace: string): number {
    return this.byNamespace.get(namespace) ?? this.all;
  }
}
