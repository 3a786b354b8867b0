import { parseCameraDefinition } from '../../src/cameras/camera-definition';
import type { Frame } from '../../src/camera/frame';
import type { DetectedFace } from '../../src/recognition/face.types';
import { builtInModelMatch } from '../../src/recognition/engines/model-match';
import type { GalleryService } from '../../src/recognition/gallery.service';
import type { InferenceClient } from '../../src/recognition/inference/inference.client';
import { CameraRecognition, RecognitionService } from '../../src/recognition/recognition.service';
import { inPrivacyZone, insidePolygon, PrivacyZone, zoneListProblem, zonesInPixels } from '../../src/stream/privacy-zones';

const LEFT_HALF: PrivacyZone = [
  [0, 0],
  [0.5, 0],
  [0.5, 1],
  [0, 1],
];

describe('privacy zones (pure)', () => {
  it('tells inside from outside, also for a concave polygon', () => {
    const l: PrivacyZone = [
      [0, 0],
      [0.2, 0],
      [0.2, 0.8],
      [1, 0.8],
      [1, 1],
      [0, 1],
    ];
    expect(insidePolygon(0.1, 0.5, l)).toBe(true);
    expect(insidePolygon(0.5, 0.9, l)).toBe(true);
    expect(insidePolygon(0.5, 0.5, l)).toBe(false); // in the notch
  });

  it('judges a face by its box centre, in fractions of the frame', () => {
    expect(inPrivacyZone({ x: 100, y: 100, width: 100, height: 100 }, [LEFT_HALF], 1280, 720)).toBe(true);
    expect(inPrivacyZone({ x: 600, y: 100, width: 100, height: 100 }, [LEFT_HALF], 1280, 720)).toBe(false); // centre at x=650 > 640
    expect(inPrivacyZone({ x: 100, y: 100, width: 100, height: 100 }, [], 1280, 720)).toBe(false);
  });

  it('maps zones to a frame\u2019s pixels', () => {
    expect(zonesInPixels([LEFT_HALF], 1280, 720)).toEqual([
      [
        [0, 0],
        [640, 0],
        [640, 720],
        [0, 720],
      ],
    ]);
  });

  it('refuses what is not a list of polygons of [x, y] fractions, saying which', () => {
    expect(zoneListProblem([LEFT_HALF])).toBeUndefined();
    expect(zoneListProblem('left')).toMatch(/list of polygons/);
    expect(zoneListProblem([[[0, 0], [1, 1]]])).toMatch(/polygon 1 must have 3/);
    expect(zoneListProblem([LEFT_HALF, [[0, 0], [2, 0], [0, 1]]])).toMatch(/polygon 2: .*from 0 to 1.*\[2,0\]/);
    expect(zoneListProblem(Array(17).fill(LEFT_HALF))).toMatch(/at most 16/);
  });

  it('is a camera field, validated with the camera and the field named', () => {
    expect(parseCameraDefinition({ name: 'door', source: '/v.mp4', privacyZones: [LEFT_HALF] })).toMatchObject({ privacyZones: [LEFT_HALF] });
    expect(() => parseCameraDefinition({ name: 'door', source: '/v.mp4', privacyZones: [[[0, 0]]] })).toThrow(/door.*privacyZones polygon 1/);
  });
});

describe('RecognitionService with privacy zones (fakes)', () => {
  const face = (x: number): DetectedFace => ({ box: { x, y: 300, width: 100, height: 100 }, score: 0.9, landmarks: [] }) as unknown as DetectedFace;
  const inference = {
    detectFrame: async () => ({ faces: [face(100), face(900)], detectMs: 1 }),
    detectAround: async () => ({ faces: [face(100), face(900)], detectMs: 1 }),
    embedFaces: async (_key: unknown, faces: DetectedFace[]) => ({ embeddings: faces.map(() => new Float32Array(4)), embedMs: 1 }),
  } as unknown as InferenceClient;
  const gallery = { size: 1, matchAll: async (embeddings: Float32Array[]) => embeddings.map(() => null) } as unknown as GalleryService;
  const service = new RecognitionService(inference, gallery, { kind: 'fixed', threshold: 0.3 } as never, builtInModelMatch('yunet-edgeface'));
  const camera = { camera: 'door', detect: {}, matchRule: { kind: 'fixed', threshold: 0.3 }, minFacePx: 0, zones: [LEFT_HALF] } as unknown as CameraRecognition;
  const frame = { index: 0, image: { width: 1280, height: 720, data: new Uint8Array(0) } } as unknown as Frame;

  it('neither reports nor embeds a face inside a zone', async () => {
    let asked: DetectedFace[] = [];
    const faces = await service.recognizeFrame(camera, frame, (found) => ((asked = found), found.map(() => true)));
    expect(asked.map((f) => f.box.x)).toEqual([900]);
    expect(faces.map((f) => f.box.x)).toEqual([900]);
  });

  it('does not find a face inside a zone between recognitions either', async () => {
    const found = await service.findFacesNear(camera, frame, [{ x: 0, y: 0, width: 10, height: 10 }]);
    expect(found.map((f) => f.box.x)).toEqual([900]);
  });
});
