/**
 * Asking about a photo on the built server playing the demo video: `POST /sightings/search` finds
 * an enrolled person's sightings and an unknown stranger's inbox entry; `POST /recognize` names the
 * people of the video; both are reads (a viewer's or admin's key, or open with PUBLIC_READS).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';
import { RunningServer, startServer, withAdminKey, withViewerKey } from '../support/server-process';

jest.setTimeout(180_000);

/** Generous: the demo video loops every 10 s and the machine is shared (2 cores). */
const ON_CAMERA_MS = 40_000;
const SERENA_PHOTO = resolve(PROJECT_ROOT, 'faces/Serena_Williams.jpg');
/** Tony_Blair walks through the demo video but is not enrolled; this is another photo of him than the video's. */
const TONY_PHOTO = join(TESTDATA, 'video/not-enrolled/Tony_Blair_0001.jpg');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = ON_CAMERA_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function postPhoto(server: RunningServer, path: string, file: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('image', new Blob([readFileSync(file)]), file.split('/').pop());
  const response = await fetch(`${server.url}${path}`, { method: 'POST', body: form, headers });
  return { status: response.status, body: (await response.json()) as any };
}

const getJson = async (server: RunningServer, path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<any>;

describe('face search on the running server', () => {
  let server: RunningServer;
  let serenaId: number;

  beforeAll(async () => {
    server = await startServer({ FACES_DIR: resolve(PROJECT_ROOT, 'faces'), UNKNOWN_FACE_AFTER_MS: '1000', SIGHTING_END_AFTER_MS: '1500' });
    const people: Array<{ id: number; name: string }> = await getJson(server, '/people');
    serenaId = people.find((p) => p.name === 'Serena_Williams')!.id;
  });
  afterAll(() => server?.dispose());

  it('finds an enrolled person’s sightings from a photo of her', async () => {
    await waitFor('a sighting of Serena_Williams', async () => (await getJson(server, `/sightings?personId=${serenaId}`)).total > 0);
    const reply = await postPhoto(server, '/sightings/search?pageSize=100', SERENA_PHOTO);
    expect(reply.status).toBe(200);
    expect(reply.body.face).toMatchObject({ name: 'Serena_Williams', personId: serenaId });
    const { sightings } = reply.body;
    expect(sightings.total).toBeGreaterThan(0);
    expect(sightings.items.length).toBe(Math.min(sightings.total, 100));
    for (const sighting of sightings.items) expect(sighting).toMatchObject({ personId: serenaId, personName: 'Serena_Williams', camera: 'main' });
    // The same rows the sightings list has for her (read after: rows only get added meanwhile).
    const listed = new Set((await getJson(server, `/sightings?personId=${serenaId}&pageSize=100`)).items.map((s: { id: number }) => s.id));
    for (const sighting of sightings.items) expect(listed.has(sighting.id)).toBe(true);
  });

  it('finds the unknown stranger’s inbox entry from another photo of him, with no sightings', async () => {
    const inbox = await waitFor('an unknown face in the inbox', async () => {
      const page = await getJson(server, '/unknown-faces');
      return page.total > 0 && page;
    });
    const reply = await postPhoto(server, '/sightings/search', TONY_PHOTO);
    expect(reply.status).toBe(200);
    expect(reply.body.face).toMatchObject({ name: 'Unknown', personId: null });
    expect(reply.body.sightings).toEqual({ items: [], page: 1, pageSize: 20, total: 0, pages: 0 });
    const found: Array<{ id: number; similarity: number; thumbnailUrl: string; firstSeen: string }> = reply.body.unknownFaces;
    expect(found.length).toBeGreaterThan(0);
    const inboxIds = new Set(inbox.items.map((entry: { id: number }) => entry.id));
    expect(inboxIds.has(found[0].id)).toBe(true);
    const similarities = found.map((entry) => entry.similarity);
    expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
    expect(found[0].similarity).toBeGreaterThan(0.2);
    // "When was he here before?": the entry says, and shows his face.
    expect(Date.parse(found[0].firstSeen)).toBeLessThanOrEqual(Date.now());
    const thumbnail = await fetch(`${server.url}${found[0].thumbnailUrl}`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    // Serena's photo does not bring up his entry.
    const serena = await postPhoto(server, '/sightings/search', SERENA_PHOTO);
    expect(serena.body.unknownFaces.map((entry: { id: number }) => entry.id)).not.toContain(found[0].id);
  });

  it('refuses like enrollment: several faces need faceIndex (422 listing them), no face is 422, a bad file 415', async () => {
    const solvay = join(TESTDATA, 'stills/solvay1927.jpg');
    const several = await postPhoto(server, '/sightings/search', solvay);
    expect(several.status).toBe(422);
    expect(several.body.message).toMatch(/faceIndex/);
    expect(several.body.faces.length).toBeGreaterThan(20);
    const chosen = await postPhoto(server, '/sightings/search', solvay, { faceIndex: '0' });
    expect(chosen.status).toBe(200);
    expect(chosen.body.face.name).toBe('Unknown');
    expect((await postPhoto(server, '/sightings/search', join(TESTDATA, 'bad/no-face.jpg'))).body).toMatchObject({ statusCode: 422, message: 'no face found' });
    expect((await postPhoto(server, '/sightings/search', join(TESTDATA, 'bad/not-an-image.jpg'))).status).toBe(415);
    expect((await postPhoto(server, '/sightings/search?pageSize=1000', SERENA_PHOTO)).status).toBe(400);
  });

  it('names the people of the video on POST /recognize, and neither route changes the library', async () => {
    const before = await getJson(server, '/people');
    const reply = await postPhoto(server, '/recognize', join(TESTDATA, 'video/enroll/Colin_Powell.jpg'));
    expect(reply.status).toBe(200);
    expect(reply.body.faces[0]).toMatchObject({ name: 'Colin_Powell', personId: before.find((p: { name: string }) => p.name === 'Colin_Powell').id });
    expect((await postPhoto(server, '/recognize', TONY_PHOTO)).body.faces[0].name).toBe('Unknown');
    expect(await getJson(server, '/people')).toEqual(before);
  });
});

describe('with reads protected (the default, without PUBLIC_READS)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ PUBLIC_READS: '', CAMERA_SOURCE: join(TESTDATA, 'stills/grace_hopper_512x512.jpg') });
  });
  afterAll(() => server?.dispose());

  it('the photo look-ups need the key like every read', async () => {
    const photo = join(TESTDATA, 'stills/grace_hopper_512x512.jpg');
    for (const path of ['/recognize', '/sightings/search']) {
      expect((await postPhoto(server, path, photo)).status).toBe(401);
      expect((await postPhoto(server, path, photo, {}, withAdminKey())).status).toBe(200);
      expect((await postPhoto(server, path, photo, {}, withViewerKey())).status).toBe(200);
    }
  });
});
