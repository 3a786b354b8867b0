import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FaceSearchService, SIMILAR_UNKNOWN_FACES_LIMIT } from '../../src/face-search/face-search.service';
import { UploadedPhotoAnalyzer, type AnalyzedUpload } from '../../src/people/upload/uploaded-photo-analyzer';
import type { Box } from '../../src/recognition/face.types';
import { GalleryService } from '../../src/recognition/gallery.service';
import type { PhotoFace } from '../../src/recognition/inference/inference.protocol';
import { RecognitionService } from '../../src/recognition/recognition.service';
import { NoRecognizableFaceError, recognizableFaces } from '../../src/recognize/photo-faces';
import { PHOTO_RECOGNITION_OPTIONS, PhotoRecognitionService } from '../../src/recognize/photo-recognition.service';
import { RecognizedPhotoDto } from '../../src/recognize/recognize.dto';
import type { SightingFilter } from '../../src/sightings/sightings.repository';
import { SightingsService } from '../../src/sightings/sightings.service';
import type { PageRequest } from '../../src/sightings/paging';
import { similarGroups } from '../../src/unknown-faces/grouping';
import { UnknownFacesService } from '../../src/unknown-faces/unknown-faces.service';

const DIM = 4;
/** A unit vector leaning towards axis `axis` (`lean` of it on the next axis): similar vectors for similar faces. */
function vector(axis: number, lean = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[axis] = 1;
  v[(axis + 1) % DIM] = lean;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function face(height: number, embedding: Float32Array, x = 0): PhotoFace {
  const box: Box = { x, y: 10, width: height * 0.8, height };
  return { box, landmarks: [], score: 0.9, embedding, thumbnailJpeg: new Uint8Array(1) };
}

/** The upload path, minus the vision worker: it "finds" the faces a test sets. */
class FakeUploads {
  faces: PhotoFace[] = [];
  calls = 0;
  async analyze(image: Uint8Array | undefined): Promise<AnalyzedUpload> {
    this.calls++;
    if (!image) throw new BadRequestException('image is required (multipart file field "image")');
    return { bytes: image, upload: { format: 'jpg', extension: '.jpg', width: 800, height: 600 }, analysis: { width: 800, height: 600, faces: this.faces } };
  }
}

class FakeSightings {
  calls: Array<{ filter: SightingFilter; page: Partial<PageRequest> }> = [];
  async list(filter: SightingFilter, page: Partial<PageRequest>) {
    this.calls.push({ filter, page });
    const item = { id: 7, personId: filter.personId!, personName: 'Grace', camera: 'door', firstSeen: 'a', lastSeen: 'b', bestConfidence: 97, ongoing: false, thumbnailUrl: '/sightings/7/thumbnail' };
    return { items: [item], page: page.page ?? 1, pageSize: page.pageSize ?? 20, total: 1, pages: 1 };
  }
}

class FakeInbox {
  asked: Array<{ embedding: Float32Array; limit: number }> = [];
  async findSimilar(embedding: Float32Array, limit: number) {
    this.asked.push({ embedding, limit });
    const entry = { id: 5, camera: 'door', firstSeen: 'a', lastSeen: 'b', appearances: 2, faceHeight: 90, thumbnailUrl: '/unknown-faces/5/thumbnail' };
    return [{ entry, similarity: 0.8 }];
  }
}

async function build() {
  const uploads = new FakeUploads();
  const sightings = new FakeSightings();
  const inbox = new FakeInbox();
  const module = await Test.createTestingModule({
    providers: [
      PhotoRecognitionService,
      FaceSearchService,
      GalleryService,
      { provide: UploadedPhotoAnalyzer, useValue: uploads },
      { provide: RecognitionService, useValue: { matchPolicy: { threshold: 0.5, margin: 0.05 } } },
      { provide: PHOTO_RECOGNITION_OPTIONS, useValue: { minFacePx: 40 } },
      { provide: SightingsService, useValue: sightings },
      { provide: UnknownFacesService, useValue: inbox },
    ],
  }).compile();
  const gallery = module.get(GalleryService);
  gallery.reset(DIM);
  gallery.setPerson(1, 'Grace', [{ sampleId: 11, embedding: vector(0) }]);
  gallery.setPerson(2, 'Alan', [{ sampleId: 21, embedding: vector(2) }]);
  return { photos: module.get(PhotoRecognitionService), search: module.get(FaceSearchService), uploads, sightings, inbox, gallery };
}

const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

describe('recognizableFaces', () => {
  it('keeps the faces at least minFacePx tall, in order', () => {
    const faces = [face(120, vector(0)), face(39, vector(1)), face(40, vector(2))];
    expect(recognizableFaces(faces, 40)).toEqual([faces[0], faces[2]]);
  });
  it('refuses a photo without a face, or with only faces too small, in enrollment’s words', () => {
    expect(() => recognizableFaces([], 40)).toThrow(new NoRecognizableFaceError('no face found'));
    expect(() => recognizableFaces([face(24, vector(0)), face(30.4, vector(1))], 40)).toThrow(
      'face is too small to recognise: 30 px tall, at least 40 px needed',
    );
  });
});

describe('similarGroups', () => {
  it('lists every group at or above the similarity, most similar first, ties to the older group, other models skipped', () => {
    const groups = [
      { id: 3, centroid: vector(0, 0.5), count: 1 },
      { id: 1, centroid: vector(0, 0.2), count: 4 },
      { id: 2, centroid: vector(0, 0.2), count: 1 },
      { id: 4, centroid: vector(2), count: 1 },
      { id: 5, centroid: new Float32Array(8).fill(0.35), count: 1 },
    ];
    const found = similarGroups(vector(0), groups, 0.85);
    expect(found.map((f) => f.group.id)).toEqual([1, 2, 3]);
    expect(found[0].similarity).toBeCloseTo(1 / Math.hypot(1, 0.2), 5);
    expect(similarGroups(vector(0), groups, 0.99)).toEqual([]);
  });
});

describe('PhotoRecognitionService (fakes through DI, the real gallery)', () => {
  it('names every face large enough, largest first as found, and reports the threshold used', async () => {
    const { photos, uploads } = await build();
    uploads.faces = [face(200, vector(0, 0.1)), face(150, vector(1)), face(20, vector(2)), face(90, vector(2, 0.05))];
    const result = await photos.recognize(PHOTO);
    expect(result.threshold).toBe(0.5);
    expect(result.faces.map((f) => f.match.name)).toEqual(['Grace', 'Unknown', 'Alan']);
    expect(result.faces.map((f) => f.match.personId)).toEqual([1, null, 2]);
    expect(result.faces[0].match.similarity).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
    const dto = RecognizedPhotoDto.from(result);
    expect(dto.faces[0]).toEqual({ name: 'Grace', personId: 1, confidence: expect.any(Number), similarity: 0.995, box: [0, 10, 160, 200], score: 0.9 });
    expect(dto).toMatchObject({ width: 800, height: 600, threshold: 0.5 });
  });

  it('answers Unknown for everyone with nobody enrolled', async () => {
    const { photos, uploads, gallery } = await build();
    gallery.removePerson(1);
    gallery.removePerson(2);
    uploads.faces = [face(100, vector(0)), face(100, vector(2))];
    const result = await photos.recognize(PHOTO);
    expect(result.faces.map((f) => [f.match.name, f.match.personId, f.match.similarity])).toEqual([
      ['Unknown', null, 0],
      ['Unknown', null, 0],
    ]);
  });

  it('passes the upload path’s refusals on, and refuses a photo without a usable face', async () => {
    const { photos, uploads } = await build();
    await expect(photos.recognize(undefined)).rejects.toBeInstanceOf(BadRequestException);
    uploads.faces = [];
    await expect(photos.recognize(PHOTO)).rejects.toBeInstanceOf(NoRecognizableFaceError);
  });

  it('identifies one face as enrollment chooses it: several need faceIndex (422 listing them), a small one is refused', async () => {
    const { photos, uploads } = await build();
    uploads.faces = [face(200, vector(2)), face(150, vector(0))];
    await expect(photos.identify(PHOTO)).rejects.toBeInstanceOf(UnprocessableEntityException);
    const chosen = await photos.identify(PHOTO, 1);
    expect(chosen.match).toMatchObject({ name: 'Grace', personId: 1 });
    expect(chosen.face).toBe(uploads.faces[1]);
    uploads.faces = [face(30, vector(0))];
    await expect(photos.identify(PHOTO)).rejects.toThrow('face is too small to enroll: 30 px tall, at least 40 px needed');
  });
});

describe('FaceSearchService (fakes through DI)', () => {
  it('returns a known person with their sightings (paged as asked) and the similar inbox entries', async () => {
    const { search, uploads, sightings, inbox } = await build();
    uploads.faces = [face(120, vector(2, 0.1))];
    const result = await search.search(PHOTO, { page: 2, pageSize: 5 });
    expect(result.face.match).toMatchObject({ name: 'Alan', personId: 2 });
    expect(sightings.calls).toEqual([{ filter: { personId: 2 }, page: { page: 2, pageSize: 5 } }]);
    expect(result.sightings.items.map((s) => s.id)).toEqual([7]);
    expect(inbox.asked).toEqual([{ embedding: uploads.faces[0].embedding, limit: SIMILAR_UNKNOWN_FACES_LIMIT }]);
    expect(result.unknownFaces).toEqual([{ entry: expect.objectContaining({ id: 5 }), similarity: 0.8 }]);
  });

  it('for an unknown face, asks for no sightings (an empty page) and still searches the inbox', async () => {
    const { search, uploads, sightings, inbox } = await build();
    uploads.faces = [face(120, vector(1))];
    const result = await search.search(PHOTO, { pageSize: 10 });
    expect(result.face.match.name).toBe('Unknown');
    expect(sightings.calls).toEqual([]);
    expect(result.sightings).toEqual({ items: [], page: 1, pageSize: 10, total: 0, pages: 0 });
    expect(inbox.asked).toHaveLength(1);
    expect(result.unknownFaces).toHaveLength(1);
  });

  it('refuses like enrollment: no face, several without faceIndex', async () => {
    const { search, uploads, sightings, inbox } = await build();
    uploads.faces = [];
    await expect(search.search(PHOTO)).rejects.toThrow('no face found');
    uploads.faces = [face(120, vector(0)), face(110, vector(1))];
    await expect(search.search(PHOTO)).rejects.toThrow('2 faces found and none clearly the subject: resend with faceIndex to choose one');
    expect(sightings.calls).toEqual([]);
    expect(inbox.asked).toEqual([]);
  });
});
