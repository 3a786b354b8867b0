import { Injectable } from '@nestjs/common';
import { PhotoRecognitionService, type NamedPhotoFace } from '../recognize/photo-recognition.service';
import { type Page, type PageRequest, pageWindow, toPage } from '../sightings/paging';
import type { SightingDto } from '../sightings/sightings.dto';
import { SightingsService } from '../sightings/sightings.service';
import type { UnknownFaceDto } from '../unknown-faces/unknown-faces.dto';
import { UnknownFacesService } from '../unknown-faces/unknown-faces.service';

/** At most this many inbox entries are returned: a face looks like a handful of strangers, not hundreds. */
export const SIMILAR_UNKNOWN_FACES_LIMIT = 20;

export interface FaceSearchRequest extends Partial<PageRequest> {
  /** Which face of the photo, as in enrollment (needed when it shows several). */
  faceIndex?: number;
}

export interface FaceSearchResult {
  face: NamedPhotoFace;
  /** The named person's sightings, newest first (an empty page for Unknown). */
  sightings: Page<SightingDto>;
  /** Inbox entries that look like the same face, most similar first. */
  unknownFaces: Array<{ entry: UnknownFaceDto; similarity: number }>;
}

/**
 * "When was this face here?": the photo's face is named like on `POST /recognize`; a known
 * person comes with their sightings, and the unknown-faces inbox is searched for the same
 * stranger. Reads only: nothing is stored.
 */
@Injectable()
export class FaceSearchService {
  constructor(
    private readonly photos: PhotoRecognitionService,
    private readonly sightings: SightingsService,
    private readonly inbox: UnknownFacesService,
  ) {}

  async search(image: Uint8Array | undefined, request: FaceSearchRequest = {}): Promise<FaceSearchResult> {
    const face = await this.photos.identify(image, request.faceIndex);
    const page = { page: request.page, pageSize: request.pageSize };
    const { personId } = face.match;
    const [sightings, unknownFaces] = await Promise.all([
      personId === null ? toPage<SightingDto>([], 0, pageWindow(page)) : this.sightings.list({ personId }, page),
      this.inbox.findSimilar(face.face.embedding, SIMILAR_UNKNOWN_FACES_LIMIT),
    ]);
    return { face, sightings, unknownFaces };
  }
}
