import { MANIFEST, personArchiveEntries, sightingsCsv } from '../../src/people/export/person-archive';
import type { PersonExportDto } from '../../src/people/export/person-export';

const b64 = (text: string) => Buffer.from(text).toString('base64');

const document = (): PersonExportDto => ({
  format: 'face-stream/person-export',
  version: 1,
  exportedAt: '2026-03-01T00:00:00.000Z',
  person: { id: 3, name: 'Grace Hopper', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' },
  faces: [
    {
      id: 7,
      createdAt: '2026-01-01T00:00:00.000Z',
      modelId: 'm1',
      box: { x: 1, y: 2, width: 50, height: 60 },
      photoSha256: 'ab'.repeat(32),
      embeddingFloat32Base64: 'AAAAPwAAgL8=',
      quality: null,
      photo: { file: 'aaaa.png', contentType: 'image/png', base64: b64('photo-1') },
      thumbnail: { file: 'bbbb.jpg', contentType: 'image/jpeg', base64: null },
    },
  ],
  sightings: [
    { id: 20, camera: 'door', personName: 'Grace', firstSeen: '2026-02-01T10:00:00.000Z', lastSeen: '2026-02-01T10:00:05.000Z', bestConfidence: 91.3, cropJpegBase64: b64('crop'), embeddingFloat32Base64: null },
    { id: 21, camera: 'yard, back', personName: '=HYPERLINK("x")', firstSeen: '2026-02-02T10:00:00.000Z', lastSeen: '2026-02-02T10:01:00.000Z', bestConfidence: 88, cropJpegBase64: null, embeddingFloat32Base64: null },
  ],
  suggestions: [
    {
      id: 4,
      camera: 'door',
      seenAt: '2026-02-03T10:00:00.000Z',
      similarity: 0.52,
      quality: { overall: 0.8, size: 0.9, sharpness: 0.8, pose: 0.85 },
      modelId: 'm1',
      embeddingFloat32Base64: 'AAAAPw==',
      photoJpegBase64: b64('suggested'),
    },
  ],
  rejectedViews: [{ id: 5, camera: 'door', seenAt: '2026-02-03T09:00:00.000Z', rejectedAt: '2026-02-03T09:05:00.000Z', modelId: 'm1', embeddingFloat32Base64: 'AACAPw==' }],
});

describe('personArchiveEntries (the export ZIP layout)', () => {
  it('makes every stored file a file of its own and the rest a manifest that points at them', () => {
    const entries = personArchiveEntries(document());
    expect(entries.map((entry) => entry.name)).toEqual([MANIFEST, 'sightings.csv', 'faces/7-photo.png', 'sightings/20.jpg', 'suggestions/4.jpg']);
    const file = (name: string) => entries.find((entry) => entry.name === name)!.data;
    expect(file('faces/7-photo.png').toString()).toBe('photo-1');
    expect(file('sightings/20.jpg').toString()).toBe('crop');
    expect(file('suggestions/4.jpg').toString()).toBe('suggested');
    expect(entries.every((entry) => entry.date.toISOString() === '2026-03-01T00:00:00.000Z')).toBe(true);

    const manifest = JSON.parse(file(MANIFEST).toString('utf8'));
    expect(manifest).toMatchObject({ format: 'face-stream/person-export', version: 1, person: { id: 3, name: 'Grace Hopper' } });
    expect(manifest.faces[0]).toMatchObject({
      id: 7,
      embeddingFloat32Base64: 'AAAAPwAAgL8=',
      photo: { file: 'aaaa.png', contentType: 'image/png', path: 'faces/7-photo.png' },
      // Missing on disk: said so, no file.
      thumbnail: { file: 'bbbb.jpg', contentType: 'image/jpeg', path: null },
    });
    expect(manifest.sightings.map((s: { id: number; crop: string | null }) => [s.id, s.crop])).toEqual([
      [20, 'sightings/20.jpg'],
      [21, null],
    ]);
    expect(manifest.suggestions[0]).toMatchObject({ id: 4, camera: 'door', photo: 'suggestions/4.jpg' });
    // Rejected views are only an embedding: in the manifest, no file.
    expect(manifest.rejectedViews).toEqual(document().rejectedViews);
    // No base64 left in the manifest but the embeddings.
    expect(file(MANIFEST).toString()).not.toContain(b64('photo-1'));
    expect(file(MANIFEST).toString()).not.toContain(b64('crop'));
    expect(file(MANIFEST).toString()).not.toContain(b64('suggested'));
  });

  it('lists the sightings in a CSV, quoting commas and defusing spreadsheet formulas', () => {
    const csv = personArchiveEntries(document())[1].data.toString('utf8');
    expect(csv.split('\r\n')).toEqual([
      'id,camera,personName,firstSeen,lastSeen,bestConfidence,crop',
      '20,door,Grace,2026-02-01T10:00:00.000Z,2026-02-01T10:00:05.000Z,91.3,sightings/20.jpg',
      '21,"yard, back","\'=HYPERLINK(""x"")",2026-02-02T10:00:00.000Z,2026-02-02T10:01:00.000Z,88,',
      '',
    ]);
    expect(sightingsCsv([])).toBe('id,camera,personName,firstSeen,lastSeen,bestConfidence,crop\r\n');
  });

  it('never takes a path from a stored file name', () => {
    const doc = document();
    doc.faces[0].photo.file = '../../etc/passwd';
    const names = personArchiveEntries(doc).map((entry) => entry.name);
    expect(names).toContain('faces/7-photo.jpg');
    expect(names.some((name) => name.includes('..'))).toBe(false);
  });
});
