import { EMPTY, type Observable } from 'rxjs';
import type { LibraryFingerprint } from './library-fingerprint';

/** What changed in the people library: who, how, and which node made the change. */
export interface LibraryChange {
  personId: number;
  /** `faces`: a face was added to or removed from someone enrolled before. */
  kind: 'added' | 'faces' | 'renamed' | 'removed';
  /** NODE_NAME of the node that committed it. */
  origin: string;
}

const KINDS: ReadonlySet<string> = new Set<LibraryChange['kind']>(['added', 'faces', 'renamed', 'removed']);

/** A notification's text as a LibraryChange, or null when it is not one (never trusted blindly: any client may notify). */
export function parseLibraryChange(text: string | undefined): LibraryChange | null {
  try {
    const value: unknown = JSON.parse(text ?? '');
    if (typeof value !== 'object' || value === null) return null;
    const { personId, kind, origin } = value as Record<string, unknown>;
    if (!Number.isSafeInteger(personId) || (personId as number) <= 0) return null;
    if (typeof kind !== 'string' || !KINDS.has(kind) || typeof origin !== 'string' || origin === '') return null;
    return { personId: personId as number, kind: kind as LibraryChange['kind'], origin };
  } catch {
    return null;
  }
}

/**
 * How the nodes sharing one store tell each other about library changes. A change is published
 * after it is committed; every node (the sender too) receives it on changes$. listening$ emits
 * each time the node starts listening (the first time and after a lost connection): changes
 * made before that moment may never arrive, so the receiver resyncs.
 */
export abstract class LibraryChangesPort {
  abstract publish(change: LibraryChange): Promise<void>;
  abstract readonly changes$: Observable<LibraryChange>;
  abstract readonly listening$: Observable<void>;
  /** The shared store's library as a fingerprint (library-fingerprint.ts) for the samples of `modelId`; null when nothing is shared. */
  abstract fingerprint(modelId: string): Promise<LibraryFingerprint | null>;
}

/** One node on its own store (SQLite): nobody else to tell, nothing to hear. */
export class NoLibraryChanges extends LibraryChangesPort {
  readonly changes$: Observable<LibraryChange> = EMPTY;
  readonly listening$: Observable<void> = EMPTY;

  async publish(): Promise<void> {}

  async fingerprint(): Promise<null> {
    return null;
  }
}
