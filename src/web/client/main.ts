/** The console page: wires the live view, the library and the admin key together. */
import { adminKey, api, errorText, LiveFace, Person, setAdminKey } from './api.js';
import { byId, say, toast } from './dom.js';
import { Library } from './library.js';
import { LiveView } from './live.js';

let picked: LiveFace | null = null;

const library = new Library(() => undefined);
const live = new LiveView({
  pick: (face) => pick(face),
  sightingChanged: () => library.soon('sightings'),
  unknownFacesChanged: () => library.soon('unknown'),
});

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
    const person = await api<Person>('POST', `/live/faces/${picked.trackId}/enroll`, { name });
    byId('pick-panel').hidden = true;
    toast(`${person.name} is enrolled from the live view.`);
    await library.loadPeople();
  } catch (err) {
    say(message, errorText(err));
  }
}

function setUpAdminKey(): void {
  const input = byId<HTMLInputElement>('admin-key');
  const state = byId('admin-key-state');
  const show = () => (state.textContent = adminKey() ? 'set' : 'not set');
  input.value = adminKey();
  show();
  byId<HTMLFormElement>('admin-key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setAdminKey(input.value.trim());
    show();
    toast(adminKey() ? 'Admin key saved in this browser.' : 'Admin key removed.');
    (byId('admin-menu') as HTMLDetailsElement).open = false;
  });
}

function start(): void {
  setUpAdminKey();
  byId<HTMLFormElement>('pick-form').addEventListener('submit', (event) => void enrollPicked(event));
  byId('pick-cancel').addEventListener('click', () => (byId('pick-panel').hidden = true));
  live.start();
  library.start();
}

start();
