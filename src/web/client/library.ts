/** People and the unknown-faces inbox: lists with their actions (sightings: sightings.ts). */
import { api, ApiError, errorText, Page, Person, Suggestion, UnknownFace } from './api.js';
import { sampleFigure, suggestionFigure } from './samples.js';
import { byId, h, say, toast, when } from './dom.js';

export class Library {
  people: Person[] = [];
  private refreshTimer: number | undefined;

  constructor(private readonly peopleChanged: () => void) {}

  /** Coalesces bursts of push events into one reload of the inbox. */
  soonUnknown(delayMs = 800): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = window.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.loadUnknown();
    }, delayMs);
  }

  start(): void {
    const form = byId<HTMLFormElement>('enroll-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.enroll(form);
    });
    void this.loadPeople();
    void this.loadUnknown();
  }

  // --- people

  async loadPeople(): Promise<void> {
    const list = byId('people-list');
    try {
      this.people = await api<Person[]>('GET', '/people');
    } catch (err) {
      list.replaceChildren(h('p', { class: 'message error', role: 'alert', text: errorText(err) }));
      return;
    }
    byId('people-count').textContent = String(this.people.length);
    list.replaceChildren(
      ...(this.people.length ? this.people.map((person) => this.personCard(person)) : [h('p', { class: 'empty', text: 'Nobody enrolled yet. Upload a photo above, or pick a face on the live view.' })]),
    );
    this.fillPersonSelects();
    this.peopleChanged();
  }

  private personCard(person: Person): HTMLElement {
    const message = h('p', { class: 'message', role: 'alert' });
    const photoInput = h('input', { type: 'file', accept: 'image/*', class: 'visually-hidden', 'aria-label': `Photo to add to ${person.name}` });
    photoInput.addEventListener('change', () => {
      const file = photoInput.files?.[0];
      if (file) void this.addPhoto(person, file, message);
      photoInput.value = '';
    });
    const thumb = person.faces[0]?.thumbnailUrl;
    return h(
      'article',
      { class: 'card person', 'data-person': person.id },
      thumb ? h('img', { src: thumb, alt: '', class: 'thumb' }) : h('div', { class: 'thumb placeholder' }),
      h(
        'div',
        { class: 'card-body' },
        h('h3', { class: 'person-name', text: person.name }),
        h('p', { class: 'muted', text: `${person.faces.length} photo${person.faces.length === 1 ? '' : 's'}` }),
        h('div', { class: 'samples' }, ...person.faces.map((face) => sampleFigure(face))),
        this.suggestionsOf(person, message),
        h(
          'div',
          { class: 'actions' },
          h('label', { class: 'button small secondary' }, 'Add photo', photoInput),
          h('button', { type: 'button', class: 'small secondary', text: 'Rename', onclick: () => void this.rename(person, message) }),
          h('button', { type: 'button', class: 'small danger', text: 'Delete', onclick: () => void this.remove(person, message) }),
        ),
        message,
      ),
    );
  }

  /** The person's suggested samples, loaded after the card is shown; each with "Add" and "Not this person" (admin). */
  private suggestionsOf(person: Person, message: HTMLElement): HTMLElement {
    const box = h('div', { class: 'suggestions', 'data-suggestions': person.id });
    void api<Suggestion[]>('GET', `/people/${person.id}/suggestions`).then(
      (suggestions) => {
        if (!suggestions.length) return;
        box.replaceChildren(
          h('p', { class: 'muted', text: `Suggested: ${suggestions.length} new view${suggestions.length === 1 ? '' : 's'} seen on camera` }),
          ...suggestions.map((suggestion) =>
            suggestionFigure(
              person.name,
              suggestion,
              () => void this.acceptSuggestion(person, suggestion, message),
              () => void this.rejectSuggestion(person, suggestion, message),
            ),
          ),
        );
      },
      () => undefined, // the card works without them
    );
    return box;
  }

  private async acceptSuggestion(person: Person, suggestion: Suggestion, message: HTMLElement): Promise<void> {
    try {
      await api('POST', `/people/${person.id}/suggestions/${suggestion.id}/accept`);
      toast(`The view was added to ${person.name}.`);
      await this.loadPeople();
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private async rejectSuggestion(person: Person, suggestion: Suggestion, message: HTMLElement): Promise<void> {
    try {
      await api('DELETE', `/people/${person.id}/suggestions/${suggestion.id}`);
      toast(`That view will not be suggested for ${person.name} again.`);
      await this.loadPeople();
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private async enroll(form: HTMLFormElement): Promise<void> {
    const message = byId('enroll-message');
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const file = data.get('image');
    if (!name) return say(message, 'Enter a name.');
    if (!(file instanceof File) || !file.size) return say(message, 'Choose a photo showing the face.');
    const button = form.querySelector('button')!;
    button.disabled = true;
    say(message, 'Enrolling…', 'info');
    try {
      const person = await api<Person>('POST', '/people', data);
      form.reset();
      say(message, `${person.name} is enrolled and will be recognised from now on.`, 'ok');
      await this.loadPeople();
    } catch (err) {
      say(message, errorText(err));
    } finally {
      button.disabled = false;
    }
  }

  private async addPhoto(person: Person, file: File, message: HTMLElement): Promise<void> {
    const data = new FormData();
    data.append('image', file);
    say(message, 'Adding the photo…', 'info');
    try {
      await api('POST', `/people/${person.id}/faces`, data);
      toast(`Photo added to ${person.name}.`);
      await this.loadPeople();
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private async rename(person: Person, message: HTMLElement): Promise<void> {
    const name = window.prompt(`New name for ${person.name}`, person.name)?.trim();
    if (!name || name === person.name) return;
    try {
      await api('PATCH', `/people/${person.id}`, { name });
      toast(`Renamed to ${name}.`);
      await this.loadPeople();
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private async remove(person: Person, message: HTMLElement): Promise<void> {
    if (!window.confirm(`Delete ${person.name} and their ${person.faces.length} photo(s)? They will no longer be recognised.`)) return;
    try {
      await api('DELETE', `/people/${person.id}`);
      toast(`${person.name} was deleted.`);
      await this.loadPeople();
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private fillPersonSelects(): void {
    for (const select of document.querySelectorAll<HTMLSelectElement>('select.person-select')) {
      const chosen = select.value;
      const first = select.dataset.empty ?? 'Choose a person';
      select.replaceChildren(h('option', { value: '', text: first }), ...this.people.map((p) => h('option', { value: p.id, text: p.name })));
      select.value = this.people.some((p) => String(p.id) === chosen) ? chosen : '';
    }
  }

  // --- unknown faces

  async loadUnknown(): Promise<void> {
    const list = byId('unknown-list');
    let page: Page<UnknownFace>;
    try {
      page = await api<Page<UnknownFace>>('GET', '/unknown-faces?pageSize=24');
    } catch (err) {
      list.replaceChildren(h('p', { class: 'message error', role: 'alert', text: errorText(err) }));
      return;
    }
    byId('unknown-count').textContent = String(page.total);
    list.replaceChildren(
      ...(page.items.length ? page.items.map((face) => this.unknownCard(face)) : [h('p', { class: 'empty', text: 'No unknown faces. Strangers who stay in view appear here.' })]),
    );
    this.fillPersonSelects();
  }

  private unknownCard(face: UnknownFace): HTMLElement {
    const message = h('p', { class: 'message', role: 'alert' });
    const nameInput = h('input', { type: 'text', name: 'name', placeholder: 'New person’s name', 'aria-label': 'Name', maxlength: 100 });
    const select = h('select', { class: 'person-select', 'aria-label': 'Enrolled person', 'data-empty': 'Add to…' });
    const newForm = h(
      'form',
      { class: 'inline-form assign-new' },
      nameInput,
      h('button', { type: 'submit', class: 'small', text: 'Enroll' }),
    );
    newForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = nameInput.value.trim();
      if (!name) return say(message, 'Enter a name.');
      void this.assign(face, { name }, message);
    });
    const existingForm = h('form', { class: 'inline-form assign-existing' }, select, h('button', { type: 'submit', class: 'small secondary', text: 'Add' }));
    existingForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!select.value) return say(message, 'Choose the person this face belongs to.');
      void this.assign(face, { personId: Number(select.value) }, message);
    });
    return h(
      'article',
      { class: 'card unknown-face', 'data-unknown': face.id },
      h('img', { src: face.thumbnailUrl, alt: 'Unknown face', class: 'thumb' }),
      h(
        'div',
        { class: 'card-body' },
        h('h3', { text: face.appearances > 1 ? `Seen ${face.appearances} times` : 'Seen once' }),
        h('p', { class: 'muted', text: `Last ${when(face.lastSeen)} · ${face.camera}` }),
        newForm,
        existingForm,
        h('button', { type: 'button', class: 'link', text: 'Dismiss', onclick: () => void this.dismiss(face, message) }),
        message,
      ),
    );
  }

  private async assign(face: UnknownFace, body: { name?: string; personId?: number }, message: HTMLElement): Promise<void> {
    say(message, 'Enrolling…', 'info');
    try {
      const result = await api<{ person: Person }>('POST', `/unknown-faces/${face.id}/assign`, body);
      toast(body.name ? `${result.person.name} is enrolled.` : `Face added to ${result.person.name}.`);
      await Promise.all([this.loadUnknown(), this.loadPeople()]);
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private async dismiss(face: UnknownFace, message: HTMLElement): Promise<void> {
    try {
      await api('DELETE', `/unknown-faces/${face.id}`);
      await this.loadUnknown();
    } catch (err) {
      say(message, errorText(err));
    }
  }
}

export { ApiError };
