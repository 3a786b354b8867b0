import { Injectable } from '@nestjs/common';
import type { FaceChangePayload } from '../events/app-events';
import { SightingsRepository } from '../sightings/sightings.repository';
import { UnknownFacesRepository } from '../unknown-faces/unknown-faces.repository';

/** The stored face thumbnail (JPEG) of a face change: its sighting's, or its inbox entry's. */
@Injectable()
export class SnapshotReader {
  constructor(
    private readonly sightings: SightingsRepository,
    private readonly unknownFaces: UnknownFacesRepository,
  ) {}

  async read(change: FaceChangePayload, sightingId: number | null): Promise<Buffer | null> {
    if (change.type === 'unknown') return change.unknownFaceId !== undefined ? ((await this.unknownFaces.blob(change.unknownFaceId, 'thumbnail')) ?? null) : null;
    return sightingId !== null ? ((await this.sightings.thumbnail(sightingId)) ?? null) : null;
  }
}
