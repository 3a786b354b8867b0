/**
 * The console page: the cameras (grid or one camera's page, following the URL's hash), the library,
 * sightings and who is signed in, wired to the server's Socket.IO events.
 */
import { api, Camera, errorText, LiveFace, LiveFaces, Person, Session, signIn, StatsSample } from './api.js';
import { FacesBook, parseRoute, resolveView, View } from './cameras-model.js';
import { CamerasView } from './cameras.js';
import { byId, say, toast } from './dom.js';
import { Library } from './library.js';
import { LiveView } from './live.js';
import { ZonesEditor } from './zones.js';
import { Sightings } from './sightings.js';
import { events } from './socket.js';

/** A server without GET /cameras (or one that refuses it): its one camera at /stream. */
const SINGLE_CAMERA: Camera = {
  name: '',
  source: '',
  enabled: true,
  overrides: {},
  state: 'live',
  width: 0,
  height: 0,
  fps: 0,
  viewers: 0,
  faces: [],
  streamUrl: '/stream',
  snapshotUrl: '/stream/snapshot.jpg',
};
/** The list (state, fps, viewers) is refreshed this often, besides the `cameras` and `camera-state` events. */
const LIST_EVERY_MS = 10_000;

const book = new FacesBook();
let cameras: Camera[] = [];
let loaded = false;
/** GET /cameras failed at first: the page shows the single camera at /stream until it answers. */
let fallback = false;
let view: View | null = null;
let picked: LiveFace | null = null;

const library = new Library(() => undefined);
const sightings = new Sightings(
  () => library.people,
  () => {
    void library.loadPeople();
    void library.loadUnknown();
  },
);
const camerasView = new CamerasView(book, { reload: () => loadCameras() });
const live = new LiveView(book, { pick: (face) => pick(face) });
const zones = new ZonesEditor({ reload: () => loadCameras(), reconnect: () => live.reconnect() });

async function loadCameras(): Promise<void> {
  try {
    cameras = await api<Camera[]>('GET', '/cameras');
  } catch (err) {
    if (loaded) return; // keep what is shown; the next event or refresh tries again
    // Meanwhile show the server's one camera at /stream (a server without GET /cameras).
    cameras = [SINGLE_CAMERA];
    camerasView.failed(`The cameras cannot be listed: ${errorText(err)}`);
    loaded = fallback = true;
    applyRoute();
    return;
  }
  if (fallback) {
    // The list came after all: choose the landing view again from it.
    fallback = false;
    if (parseRoute(location.hash).kind !== 'camera') view = null;
  }
  loaded = true;
  for (const name of book.cameras()) if (name && !cameras.some((camera) => camera.name === name)) book.clear(name);
  live.cameraCount = cameras.length;
  camerasView.render(cameras);
  sightings.setCameras(cameras.map((camera) => camera.name));
  applyRoute();
}

let reloadTimer: number | undefined;
/** Coalesces bursts of `cameras` events into one reload. */
function reloadSoon(delayMs = 250): void {
  if (reloadTimer !== undefined) return;
  reloadTimer = window.setTimeout(() => {
    reloadTimer = undefined;
    void loadCameras();
  }, delayMs);
}

/** Shows what the hash asks for. */
function applyRoute(): void {
  if (!loaded) return;
  const before = view;
  const next = resolveView(parseRoute(location.hash), cameras, view, live.current);
  view = next;
  if (next.view === 'missing') {
    toast(`There is no camera named “${next.name}” (any more).`, 'error');
    view = { view: 'grid' };
    history.replaceState(null, '', '#cameras');
  }
  const shown = view.view === 'camera' ? cameras.find((camera) => camera.name === (view as { name: string }).name) : undefined;
  byId('cameras').hidden = !!shown;
  byId('live').hidden = !shown;
  if (shown) {
    camerasView.hide();
    if (before?.view !== 'camera' || before.name !== shown.name) byId('pick-panel').hidden = true;
    live.show(shown);
    zones.show(shown);
  } else {
    live.hide();
    camerasView.show();
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-view]')) {
    link.classList.toggle('current', link.dataset.view === (shown ? 'live' : 'cameras'));
  }
}

function listen(): void {
  const socket = events();
  const status = byId('connection');
  let connectedBefore = false;
  socket.on('connect', () => {
    status.textContent = 'Live';
    status.className = 'pill live';
    // The list may have changed while the connection was down.
    if (connectedBefore) reloadSoon();
    connectedBefore = true;
  });
  socket.on('connect_error', (error: { message?: string }) => {
    // The handshake was refused: no session (any more).
    if (error?.message === 'unauthorized') signIn();
  });
  socket.on('disconnect', () => {
    status.textContent = 'Reconnecting…';
    status.className = 'pill down';
  });
  socket.on('faces', (payload: LiveFaces) => {
    const camera = book.put(payload, Date.now(), cameras[0]?.name ?? '');
    live.facesChanged(camera);
    camerasView.facesChanged(camera);
  });
  socket.on('stats', (payload: { camera?: string; samples: StatsSample[] }) => live.addStats(payload));
  socket.on('sighting', () => sightings.soon());
  socket.on('unknown-faces', () => library.soonUnknown());
  socket.on('camera-state', (payload: { camera: string; state: string }) => {
    const camera = cameras.find((c) => c.name === payload.camera);
    if (!camera) return reloadSoon();
    camera.state = payload.state;
    if (payload.state !== 'live') book.clear(camera.name);
    camerasView.stateChanged(camera);
    if (view?.view === 'camera' && view.name === camera.name) live.show(camera);
    // Its size and frame rate are known once it is live: fetch them.
    if (payload.state === 'live') reloadSoon(1000);
  });
  socket.on('cameras', () => reloadSoon());
}

function pick(face: LiveFace): void {
  picked = face;
  const panel = byId('pick-panel');
  panel.hidden = false;
  byId('pick-title').textContent = face.personId === null ? 'Enroll this unknown face' : `Enroll this face (now shown as ${face.name})`;
  byId('pick-detail').textContent = `Face #${face.trackId}, ${Math.round(face.box[3])} px tall. Type the person’s name:`;
  say(byId('pick-message'), '');
  const input = byId<HTMLInputElement>('pick-name');
  input.value = '';
  input.focus();
}

async function enrollPicked(event: Event): Promise<void> {
  event.preventDefault();
  const message = byId('pick-message');
  const name = byId<HTMLInputElement>('pick-name').value.trim();
  if (!picked) return;
  if (!name) return say(message, 'Enter a name.');
  say(message, 'Enrolling…', 'info');
  try {
    // Track ids are unique across cameras: the id alone says which camera's face it is.
    const person = await api<Person>('POST', `/live/faces/${picked.trackId}/enroll`, { name });
    byId('pick-panel').hidden = true;
    toast(`${person.name} is enrolled from the live view.`);
    await library.loadPeople();
  } catch (err) {
    say(message, errorText(err));
  }
}

/** Who is signed in: shown at the top; a viewer's page hides what only an admin can do. */
async function showAccount(): Promise<void> {
  let session: Session;
  try {
    session = await api<Session>('GET', '/auth/session');
  } catch {
    return;
  }
  document.body.dataset.role = session.role;
  const signedIn = session.via === 'session';
  byId('account-role').textContent = session.role === 'anonymous' ? 'Not signed in' : `${session.role[0].toUpperCase()}${session.role.slice(1)}`;
  byId('account-detail').textContent = signedIn && session.expiresAt ? `Signed in until ${new Date(session.expiresAt).toLocaleString()}.` : session.publicReads ? 'Anyone on this network can watch (PUBLIC_READS).' : '';
  byId('logout-form').hidden = !signedIn;
  byId('login-link').hidden = signedIn;
}

/** An admin's signed link to the shown camera's stream, for embedding it where no key can be sent. */
function setUpEmbedLink(): void {
  const output = byId<HTMLInputElement>('embed-url');
  byId('embed-link').addEventListener('click', async () => {
    const name = live.current;
    if (!name) return;
    try {
      const link = await api<{ url: string; expiresAt: string }>('POST', `/cameras/${encodeURIComponent(name)}/stream-url`, {});
      output.value = new URL(link.url, location.origin).href;
      output.hidden = false;
      output.select();
      toast(`Anyone with this link can watch ${name} until ${new Date(link.expiresAt).toLocaleString()}.`);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  });
}

function start(): void {
  void showAccount();
  setUpEmbedLink();
  byId<HTMLFormElement>('pick-form').addEventListener('submit', (event) => void enrollPicked(event));
  byId('pick-cancel').addEventListener('click', () => (byId('pick-panel').hidden = true));
  window.addEventListener('hashchange', () => {
    const route = parseRoute(location.hash);
    applyRoute();
    if (route.kind === 'camera' || route.kind === 'grid') window.scrollTo(0, 0);
  });
  window.setInterval(() => {
    if (!document.hidden) void loadCameras();
  }, LIST_EVERY_MS);
  listen();
  live.start();
  zones.start();
  camerasView.start();
  library.start();
  sightings.start();
  void loadCameras();
}

start();
