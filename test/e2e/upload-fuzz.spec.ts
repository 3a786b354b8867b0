import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { TESTDATA } from '../support/paths';
import { DEMO_VIDEO } from '../support/paths';
import { RunningServer, startServer, TEST_ADMIN_KEY } from '../support/server-process';

jest.setTimeout(300_000);

/** Reproduce a run with FUZZ_SEED=<seed> (printed by fast-check on failure, and below). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const UPLOAD_MAX_BYTES = 1024 * 1024;
/** Every status the API documents for these routes (401/429 cannot happen here: the key is sent and limits are high). */
const DOCUMENTED = new Set([200, 201, 400, 404, 409, 413, 415, 422]);

const photo = (relative: string) => new Uint8Array(readFileSync(join(TESTDATA, relative)));
/** Real photos (several formats) and the broken files, as seeds for truncation and bit flips. */
const SEEDS = [
  photo('stills/grace_hopper_512x512.jpg'),
  photo('people/Ann_Veneman/Ann_Veneman_0001.jpg'),
  photo('video/enroll/Serena_Williams.jpg'),
  ...readdirSync(join(TESTDATA, 'bad'))
    .sort()
    .map((file) => photo(`bad/${file}`)),
];

interface Case {
  describe: string;
  method: 'POST' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body: BodyInit | undefined;
}

const names = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 95, maxLength: 5000 }),
  fc.constantFrom('', '   ', 'A\u0000B', 'line\nbreak', '\u202eevil', '../../etc/passwd', 'C:\\windows\\win.ini', '%00', '😀'.repeat(101)),
);

const images = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ bytes, how: `${bytes.length} random bytes` })) },
  {
    weight: 3,
    arbitrary: fc.record({ seed: fc.nat(SEEDS.length - 1), cut: fc.double({ min: 0, max: 1, noNaN: true }) }).map(({ seed, cut }) => ({
      bytes: SEEDS[seed].slice(0, Math.floor(SEEDS[seed].length * cut)),
      how: `seed ${seed} cut to ${Math.floor(SEEDS[seed].length * cut)} bytes`,
    })),
  },
  {
    weight: 4,
    arbitrary: fc.record({ seed: fc.nat(SEEDS.length - 1), flips: fc.array(fc.nat(), { minLength: 1, maxLength: 24 }) }).map(({ seed, flips }) => {
      const bytes = SEEDS[seed].slice();
      for (const bit of flips) if (bytes.length) bytes[Math.floor(bit / 8) % bytes.length] ^= 1 << bit % 8;
      return { bytes, how: `seed ${seed} with ${flips.length} bit flips` };
    }),
  },
  { weight: 1, arbitrary: fc.constant({ bytes: new Uint8Array(UPLOAD_MAX_BYTES + 1).fill(0xff), how: 'one byte over UPLOAD_MAX_BYTES' }) },
  { weight: 1, arbitrary: fc.nat(2).map((i) => ({ bytes: SEEDS[i], how: `intact photo ${i}` })) },
);

function multipart(fields: Array<[string, string]>, files: Array<[string, Uint8Array, string]>): FormData {
  const form = new FormData();
  for (const [key, value] of fields) form.append(key, value);
  for (const [key, bytes, type] of files) form.append(key, new Blob([new Uint8Array(bytes)], { type }), 'upload.bin');
  return form;
}

/** Requests the fuzz sends: mostly enrollments with broken photos, odd names and odd forms. */
function cases(personIds: number[]): fc.Arbitrary<Case> {
  const target = fc.oneof(fc.constant('/people'), fc.constantFrom(...personIds, 999_999, 0).map((id) => `/people/${id}/faces`));
  const enrollment = fc
    .record({
      path: target,
      name: fc.option(names, { nil: undefined }),
      image: fc.option(images, { nil: undefined, freq: 8 }),
      faceIndex: fc.option(fc.oneof(fc.nat(40).map(String), fc.string({ maxLength: 8 })), { nil: undefined, freq: 3 }),
      fileType: fc.constantFrom('image/jpeg', 'application/octet-stream', 'text/plain', 'image/gif', ''),
      extra: fc.option(fc.constantFrom<Array<[string, string]>>([['role', 'admin']], [['name', 'second']], [['__proto__', 'x']]), { nil: undefined, freq: 6 }),
    })
    .map(({ path, name, image, faceIndex, fileType, extra }): Case => {
      const fields: Array<[string, string]> = [];
      if (name !== undefined && path === '/people') fields.push(['name', name]);
      if (faceIndex !== undefined) fields.push(['faceIndex', faceIndex]);
      if (extra) fields.push(...extra);
      return {
        describe: `POST ${path} name=${JSON.stringify(name)?.slice(0, 60)} faceIndex=${faceIndex} image=${image?.how} type=${fileType} extra=${JSON.stringify(extra)}`,
        method: 'POST',
        path,
        headers: {},
        body: multipart(fields, image ? [['image', image.bytes, fileType]] : []),
      };
    });
  const oddForm = fc.oneof(
    images.map((image): Case => ({ describe: `two image files (${image.how})`, method: 'POST', path: '/people', headers: {}, body: multipart([['name', 'Two Files']], [['image', image.bytes, 'image/jpeg'], ['image', image.bytes, 'image/jpeg']]) })),
    images.map((image): Case => ({ describe: `image under another field (${image.how})`, method: 'POST', path: '/people', headers: {}, body: multipart([['name', 'Other Field']], [['photo', image.bytes, 'image/jpeg']]) })),
    fc.nat({ max: 200_000 }).map((extra): Case => ({ describe: `a name field of ${65 * 1024 + extra} bytes`, method: 'POST', path: '/people', headers: {}, body: multipart([['name', 'x'.repeat(65 * 1024 + extra)]], [['image', SEEDS[0], 'image/jpeg']]) })),
    fc.integer({ min: 11, max: 300 }).map((n): Case => ({ describe: `${n} fields`, method: 'POST', path: '/people', headers: {}, body: multipart(Array.from({ length: n }, (_, i) => [`f${i}`, 'v'] as [string, string]), []) })),
    fc.uint8Array({ maxLength: 2048 }).map((bytes): Case => ({ describe: `multipart content type without a boundary, ${bytes.length} bytes`, method: 'POST', path: '/people', headers: { 'content-type': 'multipart/form-data' }, body: bytes })),
    fc.uint8Array({ maxLength: 2048 }).map((bytes): Case => ({ describe: `malformed multipart body, ${bytes.length} bytes`, method: 'POST', path: '/people', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: Buffer.concat([Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\n'), bytes]) })),
    fc.record({ type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'image/jpeg', 'application/xml'), body: fc.oneof(fc.json(), fc.string({ maxLength: 500 })) }).map(({ type, body }): Case => ({ describe: `${type} body ${body.slice(0, 60)}`, method: 'POST', path: '/people', headers: { 'content-type': type }, body })),
  );
  const rename = fc.record({ id: fc.constantFrom(...personIds, 999_999), body: fc.oneof(names.map((name) => JSON.stringify({ name })), fc.json(), fc.string({ maxLength: 200 })) }).map(
    ({ id, body }): Case => ({ describe: `PATCH /people/${id} ${body.slice(0, 80)}`, method: 'PATCH', path: `/people/${id}`, headers: { 'content-type': 'application/json' }, body }),
  );
  return fc.oneof({ weight: 6, arbitrary: enrollment }, { weight: 3, arbitrary: oddForm }, { weight: 1, arbitrary: rename });
}

async function metrics(server: RunningServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], Number(m[2])]),
  );
}

async function people(server: RunningServer): Promise<Array<{ id: number; name: string; faces: Array<{ id: number }> }>> {
  return (await fetch(`${server.url}/people`)).json();
}

const MB = 1024 * 1024;

describe('upload fuzzing against the running server', () => {
  let server: RunningServer;

  beforeAll(async () => {
    // The camera is configured but not running: the memory check below is about the uploads, and a
    // camera's frames in flight swing with how long the fuzz keeps the event loop busy (its memory has
    // its own checks: the viewers e2e and the cameras bench's soak).
    server = await startServer({
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      RATE_LIMIT_MAX: '1000000',
      RATE_LIMIT_WRITE_MAX: '1000000',
      CAMERAS: JSON.stringify([{ name: 'main', source: DEMO_VIDEO, enabled: false }]),
    });
  });
  afterAll(() => server?.dispose());

  it(`answers ${RUNS} hostile requests with documented statuses only, keeps its memory, and stores only the valid enrollments`, async () => {
    // Two people to add faces to and rename.
    const seeded = [];
    for (const [name, file] of [['Fuzz Target', 'stills/grace_hopper_512x512.jpg'], ['Second Target', 'video/enroll/Colin_Powell.jpg']]) {
      const reply = await fetch(`${server.url}/people`, { method: 'POST', headers: { 'x-api-key': TEST_ADMIN_KEY }, body: multipart([['name', name]], [['image', photo(file), 'image/jpeg']]) });
      expect(reply.status).toBe(201);
      seeded.push((await reply.json()).id as number);
    }
    const send = async (c: Case) => {
      const response = await fetch(`${server.url}${c.path}`, { method: c.method, headers: { ...c.headers, 'x-api-key': TEST_ADMIN_KEY }, body: c.body });
      const text = await response.text();
      return { status: response.status, text, json: response.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : undefined };
    };

    // Warm up (JIT, decoder, allocator pools) with other cases of the same kinds, then take the baseline.
    await fc.assert(fc.asyncProperty(cases(seeded), async (c) => void (await send(c))), { seed: SEED + 1, numRuns: 150 });
    const before = await metrics(server);
    const libraryBefore = await people(server);
    const facesBefore = libraryBefore.reduce((n, p) => n + p.faces.length, 0);
    const startedAt = performance.now();

    const statuses = new Map<number, number>();
    const rssCurve: number[] = [];
    const timing = new Map<string, [number, number]>();
    let sent = 0;
    let enrolled = 0;
    let facesAdded = 0;
    await fc.assert(
      fc.asyncProperty(cases(seeded), async (c) => {
        const t0 = performance.now();
        const reply = await send(c);
        const kind = c.describe.replace(/[0-9]+/g, 'N').slice(0, 40);
        const spent = timing.get(kind) ?? [0, 0];
        timing.set(kind, [spent[0] + 1, spent[1] + performance.now() - t0]);
        if (++sent % 100 === 0) rssCurve.push(Math.round((await metrics(server)).process_resident_memory_bytes / MB));
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (!DOCUMENTED.has(reply.status)) throw new Error(`${c.describe}: undocumented status ${reply.status} ${reply.text.slice(0, 300)}`);
        if (reply.status >= 400) {
          // The API's error shape: JSON with the status and a message.
          expect(reply.json).toMatchObject({ statusCode: reply.status, message: expect.anything(), error: expect.any(String) });
        }
        if (reply.status === 201 && c.path === '/people') enrolled++;
        if (reply.status === 201 && c.path !== '/people') facesAdded++;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const seconds = (performance.now() - startedAt) / 1000;
    if (process.env.FUZZ_TIMING) console.log([...timing].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25).map(([k, [n, ms]]) => `${k}: ${n} in ${Math.round(ms)} ms`).join('\n'));

    // Still healthy, and memory back near its baseline (the lowest of three samples).
    const samples = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(await metrics(server));
    }
    const after = samples.reduce((low, m) => (m.process_resident_memory_bytes < low.process_resident_memory_bytes ? m : low));
    expect(server.process.exitCode).toBeNull();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const rss = [before.process_resident_memory_bytes / MB, after.process_resident_memory_bytes / MB];
    const heap = [before.nodejs_heap_size_used_bytes / MB, after.nodejs_heap_size_used_bytes / MB];
    console.log(
      `fuzz seed ${SEED}: ${RUNS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ` +
        `${enrolled} people enrolled and ${facesAdded} faces added by valid uploads; RSS ${rss.map((v) => v.toFixed(0)).join(' -> ')} MB (every 100: ${rssCurve.join(' ')}), heap ${heap.map((v) => v.toFixed(0)).join(' -> ')} MB`,
    );
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    // Margins for what a leak of the uploads or of decoded images would exceed (~200 photos are
    // decoded, 0.8 MB of pixels each, plus the uploads themselves), not for allocator noise: RSS
    // grew 45–84 MB over the 1000 requests in this session's runs while the V8 heap did not (the
    // native allocator's arenas of the threads that decode; to be looked into).
    expect(rss[1] - rss[0]).toBeLessThan(120);
    expect(heap[1] - heap[0]).toBeLessThan(48);

    // The database and the photo store hold exactly the seeded people plus the valid enrollments.
    const library = await people(server);
    const faces = library.reduce((n, p) => n + p.faces.length, 0);
    expect(library.length).toBe(libraryBefore.length + enrolled);
    expect(faces).toBe(facesBefore + enrolled + facesAdded);
    expect(faces).toBe(after['facestream_gallery_faces']);
    expect(library.length).toBe(after['facestream_gallery_people']);
    expect(after['facestream_enrollments_total{result="enrolled"}'] - before['facestream_enrollments_total{result="enrolled"}']).toBe(enrolled + facesAdded);
    // No file without a row (nor a temporary one left over), none outside the store.
    const stored = (folder: string) => readdirSync(join(server.dataDir, folder));
    expect(stored('photos')).toHaveLength(faces);
    expect(stored('thumbnails')).toHaveLength(faces);
    expect([...stored('photos'), ...stored('thumbnails')].every((name) => /^[0-9a-f-]{36}\.[a-z]{3,4}$/.test(name))).toBe(true);
    // (The keys are configured, so only the session-signing secret is generated beside the database.)
    expect(readdirSync(server.dataDir).sort()).toEqual(['face-stream.sqlite', 'face-stream.sqlite-shm', 'face-stream.sqlite-wal', 'photos', 'session-secret', 'thumbnails']);
  });
});
