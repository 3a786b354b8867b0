import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { DEMO_VIDEO } from '../support/paths';
import { startPostgres, type RunningPostgres } from '../support/postgres';
import { RunningServer, startServer, withAdminKey } from '../support/server-process';
import { enrollFromTestdata, enrollmentPhoto } from '../support/enroll';

jest.setTimeout(180_000);

const FRAMES_PER_S_ACROSS = 2;
/** Node A runs the camera; node B none (a disabled one of its own), so whatever B's clients hear of `door` comes from A. */
const CAMERA = 'door';
/** A short periodic library check, so that a change no node was told of shows within seconds. */
const CHECK_INTERVAL_S = 2;
const COMMON = { RATE_LIMIT_WRITE_MAX: '1000', CLUSTER_FRAME_EVENTS_PER_S: String(FRAMES_PER_S_ACROSS), LIBRARY_CHECK_INTERVAL_S: String(CHECK_INTERVAL_S) };
/** The events a node's clients get about a camera: per frame, figures, people seen, strangers, state. */
const EVENTS = ['recognition', 'faces', 'stats', 'sighting', 'unknown-faces', 'camera-state'] as const;

interface Heard {
  event: string;
  at: number;
  json: string;
}

/** A Socket.IO client recording every event with its arrival time. */
async function listen(server: RunningServer): Promise<{ socket: Socket; heard: Heard[] }> {
  const socket = io(server.url, { transports: ['websocket'] });
  const heard: Heard[] = [];
  socket.onAny((event: string, payload: unknown) => heard.push({ event, at: Date.now(), json: JSON.stringify(payload) }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, heard };
}

const ofCamera = (heard: Heard[], event: string) => heard.filter((h) => h.event === event && (JSON.parse(h.json) as { camera?: string }).camera === CAMERA);

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - start;
}

/** Each payload's count; a payload twice is an event delivered twice (every payload of these events differs: times, frame numbers). */
function counts(heard: Heard[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const h of heard) seen.set(`${h.event} ${h.json}`, (seen.get(`${h.event} ${h.json}`) ?? 0) + 1);
  return seen;
}

/** Two nodes on one PostgreSQL: a client of either node gets the camera events of node A's camera, each once. */
describe('Socket.IO events across nodes (PostgreSQL adapter)', () => {
  let postgres: RunningPostgres;
  let databaseUrl: string;
  let nodeA: RunningServer;
  let nodeB: RunningServer;
  let clientA: Awaited<ReturnType<typeof listen>>;
  let clientB: Awaited<ReturnType<typeof listen>>;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase('face_stream');
    nodeB = await startServer({ ...COMMON, DATABASE_URL: databaseUrl, NODE_NAME: 'node-b', CAMERAS: JSON.stringify([{ name: 'spare', source: DEMO_VIDEO, enabled: false }]) });
    // The people of the demo recording, enrolled before node A loads its gallery.
    await enrollFromTestdata(nodeB, 'Colin_Powell');
    await enrollFromTestdata(nodeB, 'Hugo_Chavez');
    clientB = await listen(nodeB);
    nodeA = await startServer({ ...COMMON, DATABASE_URL: databaseUrl, NODE_NAME: 'node-a', CAMERAS: JSON.stringify([{ name: CAMERA, source: DEMO_VIDEO }]) });
    clientA = await listen(nodeA);
  });

  afterAll(async () => {
    console.log(`cluster events: ${JSON.stringify(figures)}`);
    clientA?.socket.disconnect();
    clientB?.socket.disconnect();
    await nodeA?.dispose();
    await nodeB?.dispose();
    postgres?.dispose();
  });

  it("node B's client gets node A's camera, face and person events, each exactly once, and node A's own client gets none twice", async () => {
    await until("a sighting of node A's camera on node B", () => ofCamera(clientB.heard, 'sighting').length > 0, 90_000);
    await until("a stranger of node A's camera on node B", () => ofCamera(clientB.heard, 'unknown-faces').length > 0, 60_000);
    // node B's client heard node A's camera start (it was connected before node A started).
    expect(ofCamera(clientB.heard, 'camera-state').length).toBeGreaterThan(0);
    const heardOnA = clientA.heard.filter((h) => (EVENTS as readonly string[]).includes(h.event));
    const snapshot = heardOnA.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // what node A's client has is at node B by now
    const onB = counts(clientB.heard);
    const onA = counts(clientA.heard);
    for (const [key, n] of [...onB, ...onA]) expect({ key, n }).toEqual({ key, n: 1 });

    // Every change event node A's client got, node B's got too (its per-frame events: a few a second and each change),
    // except the last minute of figures a client gets from its own node on connection (its first 'stats').
    const connectionHistory = heardOnA.find((h) => h.event === 'stats');
    const changes = heardOnA.slice(0, snapshot).filter((h) => !['faces', 'recognition'].includes(h.event) && h !== connectionHistory);
    expect(changes.filter((h) => !onB.has(`${h.event} ${h.json}`))).toEqual([]);
    figures.changeEventsCompared = changes.length;

    for (const event of ['faces', 'recognition']) {
      const own = ofCamera(clientA.heard, event);
      const across = ofCamera(clientB.heard, event);
      expect(across.length).toBeGreaterThan(0);
      // Each one is one node A sent (none made up, none twice: counted above).
      for (const h of across) expect(onA.has(`${h.event} ${h.json}`) || h.at < own[0].at).toBe(true);
      const seconds = (across[across.length - 1].at - across[0].at) / 1000;
      figures[`${event}PerSecondOnA`] = Math.round((own.length / ((own[own.length - 1].at - own[0].at) / 1000)) * 10) / 10;
      figures[`${event}PerSecondOnB`] = Math.round((across.length / seconds) * 10) / 10;
    }
    expect(figures.facesPerSecondOnB).toBeLessThan(figures.facesPerSecondOnA);

    // A client connecting to node B now gets node A's camera at once, from node A: the last minute of its figures
    // (only ever sent on connection: the regular ones hold one sample) and its faces, once.
    const late = await listen(nodeB);
    const connectedAt = Date.now();
    try {
      const history = () => ofCamera(late.heard, 'stats').filter((h) => JSON.parse(h.json).samples.length > 1);
      await until("node A's camera history on node B's new client", () => history().length > 0, 5_000);
      figures.msUntilRemoteSnapshotOnConnection = history()[0].at - connectedAt;
      expect(figures.msUntilRemoteSnapshotOnConnection).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(history()).toHaveLength(1);
    } finally {
      late.socket.disconnect();
    }
  });

  it('PostgreSQL restarted mid-run: both nodes keep running, node A keeps serving its clients, then events reach node B again', async () => {
    postgres.stop();
    const stoppedAt = Date.now();
    await until("node A's own client still getting frames", () => ofCamera(clientA.heard, 'faces').some((h) => h.at > stoppedAt + 1_000), 10_000);
    postgres.start();
    const startedAt = Date.now();
    const firstAfter = (event: string) => ofCamera(clientB.heard, event).find((h) => h.at > startedAt);
    await until("node A's camera figures and faces on node B again", () => firstAfter('stats') !== undefined && firstAfter('faces') !== undefined, 30_000);
    figures.msUntilStatsOnBAfterRestart = firstAfter('stats')!.at - startedAt;
    figures.msUntilFacesOnBAfterRestart = firstAfter('faces')!.at - startedAt;
    for (const node of [nodeA, nodeB]) {
      expect(node.process.exitCode).toBeNull();
      expect((await fetch(`${node.url}/health`)).status).toBe(200);
    }
    // Still exactly once after the listening connections were reopened.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const [key, n] of counts(clientB.heard)) expect({ key, n }).toEqual({ key, n: 1 });
  });

  it('a change no node was told of (written straight into the database) reaches both galleries at the periodic check', async () => {
    const namedIn = async (node: RunningServer) => {
      const form = new FormData();
      form.append('image', new Blob([enrollmentPhoto('Hugo_Chavez')]), 'photo.jpg');
      const reply = await fetch(`${node.url}/recognize`, { method: 'POST', headers: withAdminKey(), body: form });
      expect(reply.status).toBe(200);
      return (await reply.json()).faces[0].name as string;
    };
    expect(await namedIn(nodeB)).toBe('Hugo_Chavez');
    const sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    await sql.query(`UPDATE people SET name = 'El Comandante', "nameKey" = 'el comandante' WHERE name = 'Hugo_Chavez'`);
    await sql.end();
    const written = Date.now();
    await until('both galleries naming the new name', async () => (await namedIn(nodeA)) === 'El Comandante' && (await namedIn(nodeB)) === 'El Comandante', 15_000);
    figures.msUntilUntoldChangeInBothGalleries = Date.now() - written;
    // The check interval, the second look a second later, the reload.
    expect(figures.msUntilUntoldChangeInBothGalleries).toBeLessThan(CHECK_INTERVAL_S * 1000 + 1_000 + 3_000);
    for (const node of [nodeA, nodeB]) expect(node.output()).toMatch(/the gallery is not what the store holds \(names differ\)/);
  });

  it('a node shuts down cleanly with its adapter connections (exit 0), and the other node carries on', async () => {
    const started = Date.now();
    const logged = nodeA.output().length;
    expect(await nodeA.stop()).toBe(0);
    figures.msToStopNodeA = Date.now() - started;
    // No failed publish or connection while closing (the adapter says goodbye, then its connections close).
    expect(nodeA.output().slice(logged)).not.toMatch(/SocketCluster/);
    expect(nodeB.process.exitCode).toBeNull();
    // Node B takes over A's camera (released on the way out): healthy again once it delivers frames there.
    await until('node B healthy, running the camera A ran', async () => (await fetch(`${nodeB.url}/health`)).status === 200, 15_000);
  });
});
