import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';
import { RunningServer, startServer, withAdminKey } from '../support/server-process';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';

jest.setTimeout(180_000);

function photoForm(name: string | undefined, file: string, bytes = readFileSync(file)): FormData {
  const form = new FormData();
  if (name !== undefined) form.append('name', name);
  form.append('image', new Blob([bytes]), file.split('/').pop());
  return form;
}

/** Waits until a recognition event names `name` (or the time runs out). */
function waitForName(url: string, name: string, timeoutMs: number): Promise<boolean> {
  const socket = io(url, { transports: ['websocket'] });
  return new Promise<boolean>((resolveSeen) => {
    const timer = setTimeout(() => resolveSeen(false), timeoutMs);
    socket.on('recognition', (event: { faces: Array<{ name: string }> }) => {
      if (event.faces.some((f) => f.name === name)) {
        clearTimeout(timer);
        resolveSeen(true);
      }
    });
  }).finally(() => socket.close());
}

describe('enrolling on the running server', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ FACES_DIR: resolve(PROJECT_ROOT, 'faces') });
  });
  afterAll(() => server?.dispose());

  it('enrolled the bundled faces at start', async () => {
    const people = await (await fetch(`${server.url}/people`)).json();
    expect(people.map((p: { name: string }) => p.name).sort()).toEqual(['Colin_Powell', 'Hugo_Chavez', 'Junichiro_Koizumi', 'Serena_Williams']);
  });

  it('refuses every bad upload with a clear JSON error and changes nothing', async () => {
    const before = await (await fetch(`${server.url}/people`)).json();
    // The statuses testdata/README asks for.
    const expected: Record<string, number> = {
      'empty.jpg': 400,
      'truncated.jpg': 400,
      'not-an-image.jpg': 415,
      'random-bytes.png': 415,
      'bomb-100000x100000.png': 413,
      'no-face.jpg': 422,
      'tiny-face.jpg': 422,
    };
    const actual: Record<string, number> = {};
    for (const file of Object.keys(expected)) {
      const response = await fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: photoForm(`Bad ${file}`, join(TESTDATA, 'bad', file)) });
      actual[file] = response.status;
      const body = await response.json();
      expect(typeof body.message === 'string' || Array.isArray(body.message)).toBe(true);
      expect(body.statusCode).toBe(response.status);
    }
    expect(actual).toEqual(expected);
    const several = await fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: photoForm('Solvay', join(TESTDATA, 'stills/solvay1927.jpg')) });
    expect(several.status).toBe(422);
    const missingName = await fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: photoForm(undefined, join(TESTDATA, 'stills/grace_hopper_512x512.jpg')) });
    expect(missingName.status).toBe(400);
    expect(await (await fetch(`${server.url}/people`)).json()).toEqual(before);
    // Nothing was stored for the refused uploads.
    const stored = readdirSync(join(server.dataDir, 'photos'));
    expect(stored).toHaveLength(4);
  });

  it('names a newly enrolled person on the live stream, without restart', async () => {
    // Tony_Blair walks through the demo video but is not enrolled: Unknown until now.
    const response = await fetch(`${server.url}/people`, {
      method: 'POST',
      headers: withAdminKey(),
      body: photoForm('Tony_Blair', join(TESTDATA, 'video/not-enrolled/Tony_Blair_0001.jpg')),
    });
    expect(response.status).toBe(201);
    const person = await response.json();
    expect(person).toMatchObject({ name: 'Tony_Blair', faces: [expect.objectContaining({ id: expect.any(Number) })] });
    // The 10 s demo video loops; Tony is on screen for 3 s of it.
    expect(await waitForName(server.url, 'Tony_Blair', 25_000)).toBe(true);

    const deleted = await fetch(`${server.url}/people/${person.id}`, { method: 'DELETE', headers: withAdminKey() });
    expect(deleted.status).toBeLessThan(300);
    expect(await (await fetch(`${server.url}/people/${person.id}`)).json()).toMatchObject({ statusCode: 404 });
  });
});
