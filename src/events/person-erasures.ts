import { Injectable, Logger } from '@nestjs/common';

/** What a module still writing about people does when one is erased: stop, and delete what got in. */
export type ErasureFollower = (personId: number) => Promise<void>;

/**
 * The modules that record people in the background (sightings) hook in here, so an erasure is
 * answered only when none of them can still hold or write a trace of the person: a frame
 * recognised just before the erasure may be on its way to a row. The people module awaits
 * settle() after its transaction, without depending on those modules.
 */
@Injectable()
export class PersonErasures {
  private readonly logger = new Logger(PersonErasures.name);
  private readonly followers = new Set<ErasureFollower>();

  /** Registers a follower; returns its removal. */
  follow(follower: ErasureFollower): () => void {
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** Resolves when every follower is done; a failure is logged (the person's own rows are already gone). */
  async settle(personId: number): Promise<void> {
    const results = await Promise.allSettled([...this.followers].map((follower) => follower(personId)));
    for (const result of results) {
      if (result.status === 'rejected') this.logger.error(`after erasing person #${personId}: ${result.reason instanceof Error ? result.reason.message : result.reason}`);
    }
  }
}
