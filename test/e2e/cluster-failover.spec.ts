import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TESTDATA } from '../support/paths';
import { enrollFromTestdata } from '../support/enroll';
import { isCompleteJpeg, readMjpegParts } from '../support/mjpeg-reader';
import { startPostgres, type RunningPostgres } from '../support/postgres';
import { freePort, RunningServer, startServer, withAdminKey, withViewerKey } from '../support/server-process';

jest.setTimeout(240_000);

/** What the issue asks of a failover: the dead node's cameras stream again from another node within 15 s. */
const FAILOVER_BUDGET_MS = 15_000;
const CAMERAS = ['cam1', 'cam2', 'cam3'];
/** LFW people for the concurrent enrollments: 20 per node. */
const LFW = join(TESTDATA, 'lfw-fold1', 'images');
/** Their first photos show several faces (the server asks which one): not what this test is about. */
const SEVERAL_FACES = new Set(['Atom_Egoyan', 'Bertrand_Bonello', 'Andrew_Shutley']);

/** What GET /cameras and GET /sightings tell, as far as these tests look. */
type CameraView = { name: string; node: string | null; runningOn: string | null; state: string; viewers: number; faces: Array<{ name: string }> };
type SightingView = { id: number; camera: string; personName: string; ongoing: boolean; lastSeen: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function json<T>(url: string, headers = withViewerKey()): Promise<T> {
  const reply = await fetch(url, { headers });
  if (reply.status !== 200) throw new Error(`${url}: ${reply.status} ${await reply.text()}`);
  return reply.json() as Promise<T>;
}

/** Opens a stream and resolves, once it has begun, with a promise of when it ends (either side closing it). */
async function openStream(url: string): Promise<{ ended: Promise<number> }> {
  const reply = await fetch(url, { headers: withViewerKey() });
  expect(reply.status).toBe(200);
  const reader = reply.body!.getReader();
  await reader.read();
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // cut: an end too
    }
    return Date.now();
  })();
  return { ended };
}

/** Polls `check` every 100 ms until it returns a value; how long it took, or a failure after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Three nodes on one PostgreSQL, three cameras: each camera on exactly one node, failover, proxying, one library. */
describe('three nodes, cameras by lease (PostgreSQL)', () => {
  let postgres: RunningPostgres;
  let folder: string;
  let clip: string;
  const nodes = new Map<string, RunningServer>();
  const measured: Record<string, number | string> = {};

  /** Which node runs each camera, by the nodes' own word (each reports itself as runningOn only for the pipelines it runs). */
  async function owners(alive = [...nodes.keys()]): Promise<Record<string, string>> {
    const owner: Record<string, string> = {};
    for (const name of alive) {
      for (const camera of await json<CameraView[]>(`${nodes.get(name)!.url}/cameras`)) {
        if (camera.runningOn !== name) continue;
        if (owner[camera.name]) throw new Error(`${camera.name} runs on ${owner[camera.name]} and ${name}`);
        owner[camera.name] = name;
      }
    }
    return owner;
  }

  beforeAll(async () => {
    postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase('face_stream');
    folder = mkdtempSync(join(tmpdir(), 'cluster-'));
    // A small looping camera: 640×360 at 10 fps, Colin Powell in view throughout (synth frames 60–140).
    clip = join(folder, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-ss', '2.4', '-t', '3.2', '-i', join(TESTDATA, 'video', 'synth_720p.mp4'), '-vf', 'scale=640:360,fps=10', '-an', '-y', clip]);
    const cameras = CAMERAS.map((name) => ({ name, source: clip, recognizeEveryN: 2, detectionWidth: 640 }));
    for (const name of ['node1', 'node2', 'node3']) {
      const port = await freePort();
      nodes.set(
        name,
        await startServer({
          DATABASE_URL: databaseUrl,
          NODE_NAME: name,
          PORT: String(port),
          NODE_URL: `http://127.0.0.1:${port}`,
          // Every node seeds the same cameras: the first one's rows win, the others find them there.
          CAMERAS: JSON.stringify(cameras),
          PUBLIC_READS: '',
          RATE_LIMIT_WRITE_MAX: '1000',
          RATE_LIMIT_MAX: '100000',
          SIGHTING_END_AFTER_MS: '4000',
        }),
      );
    }
  });

  afterAll(async () => {
    console.log(`cluster measurements: ${JSON.stringify(measured)}`);
    for (const node of nodes.values()) await node.dispose();
    postgres?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('spreads the cameras over the nodes, one each, and every node lists every camera with its node', async () => {
    const { value: spread, ms } = await waitFor('one camera on each node', async () => {
      const owner = await owners();
      return Object.keys(owner).length === 3 && new Set(Object.values(owner)).size === 3 ? owner : undefined;
    });
    measured.spreadMs = ms;
    for (const node of nodes.values()) {
      await waitFor('a consistent listing', async () => {
        const listed = await json<CameraView[]>(`${node.url}/cameras`);
        return listed.every((camera) => camera.runningOn === spread[camera.name] && camera.state === 'live') && listed.length === 3 ? true : undefined;
      });
    }
  });

  it('serves a camera another node runs through any node: stream, snapshot and counters, with the client\'s credentials', async () => {
    const owner = await owners();
    const remote = CAMERAS.find((camera) => owner[camera] !== 'node1')!;
    const via = nodes.get('node1')!;
    const { parts } = await readMjpegParts(`${via.url}/cameras/${remote}/stream`, 3, 20_000, withViewerKey());
    expect(parts.every((part) => isCompleteJpeg(part.body))).toBe(true);
    // The client went away: the pass-through closed its side too, so the owner counts no viewer.
    const ownerNode = nodes.get(owner[remote])!;
    await waitFor('no viewer left on the owner', async () => ((await json<CameraView>(`${ownerNode.url}/cameras/${remote}`)).viewers === 0 ? true : undefined), 5_000);
    const snapshot = await fetch(`${via.url}/cameras/${remote}/snapshot.jpg`, { headers: withViewerKey() });
    expect(snapshot.status).toBe(200);
    expect(snapshot.headers.get('x-camera-node')).toBe(owner[remote]);
    expect(isCompleteJpeg(Buffer.from(await snapshot.arrayBuffer()))).toBe(true);
    const stats = await json<{ name: string; camera: { state: string } }>(`${via.url}/cameras/${remote}/stats`);
    expect(stats).toMatchObject({ name: remote, camera: { state: 'live' } });
    // The first node checks the caller too: no key, no stream (nothing passed on).
    expect((await fetch(`${via.url}/cameras/${remote}/snapshot.jpg`)).status).toBe(401);
    // /stream/… (the first camera, as a one-camera server always had it) is the same camera on every node.
    for (const [name, node] of nodes) {
      const first = await fetch(`${node.url}/stream/snapshot.jpg`, { headers: withViewerKey() });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-camera-node')).toBe(owner[CAMERAS[0]] === name ? null : owner[CAMERAS[0]]);
      expect(isCompleteJpeg(Buffer.from(await first.arrayBuffer()))).toBe(true);
      expect(await json<{ name: string }>(`${node.url}/stream/stats`)).toMatchObject({ name: CAMERAS[0] });
    }
  });

  it('a camera pinned to a node moves there and only runs there; unpinned, the shares even out again', async () => {
    const owner = await owners();
    const camera = CAMERAS.find((name) => owner[name] === 'node1')!;
    const patch = (node: string | null) =>
      fetch(`${nodes.get('node2')!.url}/cameras/${camera}`, { method: 'PATCH', headers: withAdminKey({ 'content-type': 'application/json' }), body: JSON.stringify({ node }) });
    expect((await patch('node3')).status).toBe(200);
    const { ms } = await waitFor(`${camera} on node3`, async () => ((await owners())[camera] === 'node3' ? true : undefined), 15_000);
    measured.pinMoveMs = ms;
    expect((await json<CameraView>(`${nodes.get('node1')!.url}/cameras/${camera}`)).node).toBe('node3');
    const bad = await fetch(`${nodes.get('node1')!.url}/cameras/${camera}`, { method: 'PATCH', headers: withAdminKey({ 'content-type': 'application/json' }), body: JSON.stringify({ node: 7 }) });
    expect(bad.status).toBe(400);
    expect((await patch(null)).status).toBe(200);
    await waitFor('one camera on each node again', async () => (new Set(Object.values(await owners())).size === 3 ? true : undefined), 20_000);
  });

  it('a camera added on one node runs on exactly one node and is listed everywhere; removed on another, it stops everywhere', async () => {
    const added = await fetch(`${nodes.get('node3')!.url}/cameras`, { method: 'POST', headers: withAdminKey({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'cam4', source: clip }) });
    expect(added.status).toBe(201);
    const { ms } = await waitFor('cam4 live on one node', async () => ((await owners()).cam4 ? true : undefined), 15_000);
    measured.addedCameraRunningMs = ms;
    for (const node of nodes.values()) {
      await waitFor('cam4 listed', async () => ((await json<CameraView[]>(`${node.url}/cameras`)).some((camera) => camera.name === 'cam4' && camera.state === 'live') ? true : undefined), 10_000);
    }
    expect((await fetch(`${nodes.get('node1')!.url}/cameras/cam4`, { method: 'DELETE', headers: withAdminKey() })).status).toBe(204);
    for (const node of nodes.values()) {
      await waitFor('cam4 gone', async () => ((await fetch(`${node.url}/cameras/cam4`, { headers: withViewerKey() })).status === 404 ? true : undefined), 10_000);
    }
    await waitFor('one camera on each node again', async () => {
      const owner = await owners();
      return Object.keys(owner).length === 3 && new Set(Object.values(owner)).size === 3 ? true : undefined;
    }, 20_000);
  });

  it('a person enrolled on node 1 is named on a camera node 3 runs within about a second', async () => {
    const owner = await owners();
    const camera = CAMERAS.find((name) => owner[name] === 'node3')!;
    const node3 = nodes.get('node3')!;
    expect((await json<CameraView>(`${node3.url}/cameras/${camera}`)).faces.map((face) => face.name)).not.toContain('Colin_Powell');
    const enrolledAt = Date.now();
    await enrollFromTestdata(nodes.get('node1')!, 'Colin_Powell');
    const { ms } = await waitFor('Colin named on node 3', async () => ((await json<CameraView>(`${node3.url}/cameras/${camera}`)).faces.some((face) => face.name === 'Colin_Powell') ? true : undefined), 10_000);
    measured.enrollToNamedOnNode3Ms = Date.now() - enrolledAt;
    expect(ms).toBeLessThan(3_000);
  });

  it('20 concurrent enrollments on each node land exactly once: 60 people, in every node\'s gallery', async () => {
    const people = readdirSync(LFW).filter((name) => name !== 'Colin_Powell' && !SEVERAL_FACES.has(name)).slice(0, 60);
    const started = Date.now();
    const replies = await Promise.all(
      people.map(async (name, i) => {
        const node = [...nodes.values()][i % 3];
        const photo = readdirSync(join(LFW, name))[0];
        const form = new FormData();
        form.append('name', name);
        form.append('image', new Blob([readFileSync(join(LFW, name, photo))]), photo);
        const reply = await fetch(`${node.url}/people`, { method: 'POST', headers: withAdminKey(), body: form });
        if (reply.status !== 201) console.log(`${name}/${photo}: ${reply.status} ${await reply.text()}`);
        return reply.status;
      }),
    );
    measured.sixtyEnrollmentsMs = Date.now() - started;
    expect(replies.filter((status) => status === 201)).toHaveLength(60);
    for (const node of nodes.values()) {
      const names = (await json<Array<{ name: string }>>(`${node.url}/people`)).map((person) => person.name);
      expect(names.sort()).toEqual([...people, 'Colin_Powell'].sort());
      await waitFor('the whole gallery', async () => {
        const text = await (await fetch(`${node.url}/metrics`, { headers: withAdminKey() })).text();
        return Number(/^facestream_gallery_people (\S+)$/m.exec(text)?.[1]) === 61 ? true : undefined;
      }, 5_000);
    }
  });

  it('kill -9 of a node: its camera streams from another node within 15 s, viewers reconnect through its peers, its sighting is continued, not doubled', async () => {
    const owner = await owners();
    const camera = CAMERAS.find((name) => owner[name] === 'node2')!;
    const node1 = nodes.get('node1')!;
    const sightingsOf = () => json<{ items: SightingView[] }>(`${node1.url}/sightings?camera=${camera}&pageSize=100`).then((page) => page.items.filter((s) => s.personName === 'Colin_Powell'));
    const { value: before } = await waitFor('an ongoing sighting of Colin on node 2\'s camera', async () => (await sightingsOf()).find((s) => s.ongoing));

    const watchedThroughNode1 = await openStream(`${node1.url}/cameras/${camera}/stream`);
    const killedAt = Date.now();
    nodes.get('node2')!.process.kill('SIGKILL');
    // The pass-through ends with the dead owner's side: the viewer sees the end and reconnects.
    measured.proxiedStreamEndedAfterKillMs = (await watchedThroughNode1.ended) - killedAt;
    // Until the camera runs again, asking for it is a clear 503, not a hang.
    const meanwhile = await fetch(`${node1.url}/cameras/${camera}/snapshot.jpg`, { headers: withViewerKey() });
    expect(meanwhile.status).toBe(503);
    expect((await meanwhile.json()).message).toMatch(new RegExp(`camera "${camera}" runs on node "node2", which cannot be reached|no node runs camera "${camera}"`));
    nodes.delete('node2');
    const { value: newOwner } = await waitFor(`${camera} live on another node`, async () => {
      for (const [name, node] of nodes) {
        const view = await json<CameraView>(`${node.url}/cameras/${camera}`);
        if (view.runningOn === name && view.state === 'live') return name;
      }
      return undefined;
    }, 30_000);
    measured.failoverMs = Date.now() - killedAt;
    measured.failoverTo = newOwner;
    expect(Date.now() - killedAt).toBeLessThan(FAILOVER_BUDGET_MS);
    // A viewer of the dead node reconnects through either peer and gets frames.
    for (const node of nodes.values()) {
      const { ms } = await waitFor('frames through a peer', async () => (await readMjpegParts(`${node.url}/cameras/${camera}/stream`, 2, 5_000, withViewerKey())).parts, 20_000);
      measured[`reconnectVia${node === node1 ? 'Node1' : 'Node3'}Ms`] = ms;
    }
    // The ongoing sighting is the same row, carried on by the new node; no second one opened.
    const { value: after } = await waitFor('the sighting continued', async () => {
      const rows = await sightingsOf();
      const row = rows.find((s) => s.id === before.id);
      return row && row.ongoing && Date.parse(row.lastSeen) > killedAt ? rows : undefined;
    }, 20_000);
    expect(after.filter((s) => s.ongoing).map((s) => s.id)).toEqual([before.id]);
    expect(after.filter((s) => Date.parse(s.lastSeen) >= killedAt)).toHaveLength(1);
  });

  it('PostgreSQL restarted mid-run: no node exits, the streams keep going, nothing is lost', async () => {
    const node1 = nodes.get('node1')!;
    const owner = await owners();
    expect(Object.keys(owner)).toHaveLength(3);
    const remote = CAMERAS.find((name) => owner[name] !== 'node1')!;
    // About 8 s of a camera of another node, through node 1, across the restart.
    const watching = readMjpegParts(`${node1.url}/cameras/${remote}/stream`, 60, 30_000, withViewerKey());
    await sleep(1_000);
    const stoppedAt = Date.now();
    postgres.stop();
    await sleep(2_000);
    postgres.start();
    measured.postgresDownMs = Date.now() - stoppedAt;
    const { parts } = await watching;
    expect(parts.length).toBe(60);
    for (const node of nodes.values()) expect(node.process.exitCode).toBeNull();
    // The nodes still agree on who runs what, and the library is whole and writable.
    // A restart shorter than a lease's margin moves nothing: every camera still on its node.
    expect(await owners()).toEqual(owner);
    await enrollFromTestdata(node1, 'Serena_Williams');
    for (const node of nodes.values()) {
      await waitFor('62 people everywhere', async () => ((await json<unknown[]>(`${node.url}/people`)).length === 62 ? true : undefined), 10_000);
    }
  });

  it('a node stopped cleanly (SIGTERM) hands its cameras over at once, not after their leases run out', async () => {
    const node3 = nodes.get('node3')!;
    const stoppedAt = Date.now();
    expect(await node3.stop()).toBe(0);
    nodes.delete('node3');
    await waitFor('every camera on node 1', async () => (Object.values(await owners()).filter((name) => name === 'node1').length === 3 ? true : undefined), 15_000);
    measured.handOverAtShutdownMs = Date.now() - stoppedAt;
    expect(Date.now() - stoppedAt).toBeLessThan(8_000);
    expect(node3.output()).toMatch(/camera cam\d released to the other nodes/);
  });
});
