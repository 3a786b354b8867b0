/**
 * Pairs face changes with the sighting that holds their thumbnail: pure, times in epoch ms.
 * A face is named on the frame where its sighting starts, but the sighting is announced a
 * moment later (after its crop is stored), so a `recognised` change waits for it up to `waitMs`.
 */
import type { FaceChangePayload } from '../events/app-events';

export interface JoinedChange {
  change: FaceChangePayload;
  /** The sighting whose thumbnail shows the face; null when none is known. */
  sightingId: number | null;
}

interface Held {
  change: FaceChangePayload;
  until: number;
}

const keyOf = (camera: string, personId: number) => `${camera}\u0000${personId}`;

export class ThumbnailJoin {
  private readonly ongoing = new Map<string, number>();
  /** The newest sighting of each camera and person, ended or not (for `left`). */
  private readonly latest = new Map<string, number>();
  private held: Held[] = [];

  constructor(private readonly waitMs: number) {}

  /** A face change: returned at once when its thumbnail is known (or none is to be expected), else held. */
  add(change: FaceChangePayload, now: number): JoinedChange | null {
    if (change.type === 'unknown' || change.personId === null) return { change, sightingId: null };
    const key = keyOf(change.camera, change.personId);
    if (change.type === 'left') return { change, sightingId: this.latest.get(key) ?? null };
    const ongoing = this.ongoing.get(key);
    if (ongoing !== undefined) return { change, sightingId: ongoing };
    this.held.push({ change, until: now + this.waitMs });
    return null;
  }

  /** A sighting started, improved or ended: releases the changes that waited for it. */
  sighting(sighting: { id: number; camera: string; personId: number; ongoing: boolean }): JoinedChange[] {
    const key = keyOf(sighting.camera, sighting.personId);
    this.latest.set(key, sighting.id);
    if (!sighting.ongoing) {
      if (this.ongoing.get(key) === sighting.id) this.ongoing.delete(key);
      return [];
    }
    this.ongoing.set(key, sighting.id);
    const released = this.held.filter(({ change }) => change.camera === sighting.camera && change.personId === sighting.personId);
    if (released.length === 0) return [];
    this.held = this.held.filter((held) => !released.includes(held));
    return released.map(({ change }) => ({ change, sightingId: sighting.id }));
  }

  /** Changes that waited long enough: released without a thumbnail. */
  expire(now: number): JoinedChange[] {
    const due = this.held.filter((held) => held.until <= now);
    if (due.length === 0) return [];
    this.held = this.held.filter((held) => held.until > now);
    return due.map(({ change }) => ({ change, sightingId: null }));
  }

  /** A person was deleted. */
  forgetPerson(personId: number): void {
    for (const map of [this.ongoing, this.latest]) for (const key of [...map.keys()]) if (key.endsWith(`\u0000${personId}`)) map.delete(key);
  }

  get waiting(): number {
    return this.held.length;
  }
}
