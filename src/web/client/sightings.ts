/**
 * The sightings history: filtered by person, camera and time range, paged, refreshed on `sighting`
 * events; a wrong name is corrected here (admin), with the sample that caused it shown for removal.
 */
import { api, errorText } from './api.js';
import type { Page, Person, Sighting, SightingCorrection, SightingEvidence } from './api.js';
import { byId, duration, h, say, toast, when } from './dom.js';

export class Sightings {
  private page = 1;
  private timer: number | undefined;
  private requests = 0;
  /** A correction form is open: pushed reloads wait, so it is not wiped while the admin types. */
  private correcting = false;

  /** `people`: the people enrolled now (for the correction's choice); `changed`: people or the inbox changed. */
  constructor(
    private readonly people: () => Person[] = () => [],
    private readonly changed: () => void = () => undefined,
  ) {}

  start(): void {
    const filter = byId<HTMLFormElement>('sightings-filter');
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      this.page = 1;
      void this.load();
    });
    filter.addEventListener('change', () => {
      this.page = 1;
      void this.load();
    });
    void this.load();
  }

  /** Coalesces bursts of push events into one reload. */
  soon(delayMs = 800): void {
    if (this.timer !== undefined) return;
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      if (!this.correcting) void this.load();
    }, delayMs);
  }

  /** Fills the camera filter with the cameras' names (a camera chosen and since removed stays selectable). */
  setCameras(names: string[]): void {
    const select = byId<HTMLSelectElement>('sightings-camera');
    const chosen = select.value;
    const options = chosen && !names.includes(chosen) ? [...names, chosen] : names;
    const now = [...select.options].map((option) => option.value).slice(1);
    if (now.length === options.length && now.every((name, i) => name === options[i])) return;
    select.replaceChildren(h('option', { value: '', text: 'Every camera' }), ...options.map((name) => h('option', { value: name, text: name })));
    select.value = chosen;
  }

  async load(): Promise<void> {
    const list = byId('sightings-list');
    const filter = new FormData(byId<HTMLFormElement>('sightings-filter'));
    const query = new URLSearchParams({ page: String(this.page), pageSize: '15' });
    for (const key of ['personId', 'camera']) {
      const value = String(filter.get(key) ?? '');
      if (value) query.set(key, value);
    }
    for (const key of ['from', 'to']) {
      const value = String(filter.get(key) ?? '');
      if (value) query.set(key, new Date(value).toISOString());
    }
    // Loads overlap (a filter change while a push-triggered reload is in flight); only the newest may
    // draw, or a late answer for the old filter would stay on screen until the next sighting.
    const request = ++this.requests;
    let page: Page<Sighting>;
    try {
      page = await api<Page<Sighting>>('GET', `/sightings?${query}`);
    } catch (err) {
      if (request !== this.requests) return;
      list.replaceChildren(h('li', { class: 'message error', role: 'alert', text: errorText(err) }));
      return;
    }
    if (request !== this.requests) return;
    byId('sightings-count').textContent = String(page.total);
    list.replaceChildren(
      ...(page.items.length ? page.items.map((s) => this.sightingRow(s)) : [h('li', { class: 'empty', text: 'No sightings yet. Each time a known person comes into view, it is recorded here.' })]),
    );
    this.pager(page);
  }

  private sightingRow(s: Sighting): HTMLElement {
    const row = sightingRow(s);
    const open = h('button', { type: 'button', class: 'small secondary admin-only correct', text: 'Correct…', title: 'The name is wrong' });
    open.addEventListener('click', () => void this.openCorrection(s, row, open));
    row.append(open);
    return row;
  }

  /** Shows the sample that caused the name (removable) and the choice of who it really was. */
  private async openCorrection(s: Sighting, row: HTMLElement, opener: HTMLButtonElement): Promise<void> {
    row.querySelector('.correction')?.remove();
    this.correcting = true;
    opener.disabled = true;
    const message = h('p', { class: 'message', role: 'alert' });
    const select = h(
      'select',
      { class: 'correct-to', 'aria-label': 'Who it really was' },
      h('option', { value: '', text: 'Who was it?' }),
      h('option', { value: 'unknown', text: 'Unknown (a stranger): to the inbox' }),
      ...this.people()
        .filter((p) => p.id !== s.personId)
        .map((p) => h('option', { value: p.id, text: p.name })),
    );
    const evidence = h('div', { class: 'evidence' }, h('span', { class: 'muted', text: 'Looking for the photo that caused the name…' }));
    const close = () => {
      panel.remove();
      opener.disabled = false;
      this.correcting = false;
    };
    const form = h(
      'form',
      { class: 'inline-form' },
      select,
      h('button', { type: 'submit', class: 'small', text: 'Reassign' }),
      h('button', { type: 'button', class: 'link', text: 'Cancel', onclick: close }),
    );
    const panel = h('div', { class: 'correction', 'data-correction': s.id }, evidence, form, message);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!select.value) return say(message, 'Choose who it really was.');
      void this.reassign(s, select.value === 'unknown' ? { unknown: true } : { personId: Number(select.value) }, evidence, form, message);
    });
    row.append(panel);
    try {
      const found = await api<SightingEvidence>('GET', `/sightings/${s.id}`);
      this.showSample(found, evidence, message);
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private showSample(found: { matchedSample: SightingEvidence['matchedSample']; personName?: string }, target: HTMLElement, message: HTMLElement): void {
    const sample = found.matchedSample;
    if (!sample) return void target.replaceChildren(h('span', { class: 'muted', text: 'No enrolled photo to compare this face with.' }));
    const remove = h('button', { type: 'button', class: 'small danger remove-sample', text: 'Remove this photo' });
    remove.addEventListener('click', async () => {
      try {
        await api('DELETE', `/people/${sample.personId}/faces/${sample.sampleId}`);
        target.replaceChildren(h('span', { class: 'message ok', text: 'The photo was removed: it no longer names anyone.' }));
        this.changed();
      } catch (err) {
        say(message, errorText(err));
      }
    });
    target.replaceChildren(
      h('img', { src: sample.thumbnailUrl, alt: 'Enrolled photo that caused the name', class: 'thumb small matched-sample', 'data-sample': sample.sampleId }),
      h('span', { class: 'muted', text: `Named because of this photo (similarity ${sample.similarity.toFixed(2)})` }),
      remove,
    );
  }

  private async reassign(s: Sighting, body: { personId?: number; unknown?: true }, evidence: HTMLElement, form: HTMLFormElement, message: HTMLElement): Promise<void> {
    say(message, 'Correcting…', 'info');
    try {
      const result = await api<SightingCorrection>('POST', `/sightings/${s.id}/reassign`, body);
      form.remove();
      say(message, result.sighting ? `Now a sighting of ${result.sighting.personName}.` : 'Sent to the unknown-faces inbox.', 'ok');
      toast(result.sighting ? `Sighting given to ${result.sighting.personName}.` : 'The face is in the unknown-faces inbox.');
      this.showSample(result, evidence, message);
      this.changed();
    } catch (err) {
      say(message, errorText(err));
    }
  }

  private pager(page: Page<Sighting>): void {
    const pager = byId('sightings-pager');
    if (page.pages <= 1) return pager.replaceChildren();
    const go = (to: number) => () => {
      this.page = to;
      void this.load();
    };
    pager.replaceChildren(
      h('button', { type: 'button', class: 'small secondary', text: '‹ Newer', disabled: page.page <= 1, onclick: go(page.page - 1) }),
      h('span', { class: 'muted', text: `Page ${page.page} of ${page.pages}` }),
      h('button', { type: 'button', class: 'small secondary', text: 'Older ›', disabled: page.page >= page.pages, onclick: go(page.page + 1) }),
    );
  }
}

function sightingRow(s: Sighting): HTMLElement {
  const length = Date.parse(s.lastSeen) - Date.parse(s.firstSeen);
  return h(
    'li',
    { class: 'sighting', 'data-sighting': s.id, 'data-camera': s.camera },
    h('img', { src: s.thumbnailUrl, alt: '', class: 'thumb small' }),
    h('div', { class: 'sighting-main' }, h('strong', { class: 'sighting-name', text: s.personName }), h('span', { class: 'muted', text: when(s.firstSeen) })),
    h('span', { class: 'sighting-camera', title: 'Camera', text: s.camera }),
    h('span', { class: 'muted duration', text: s.ongoing ? 'in view now' : `for ${duration(length)}` }),
    h('span', { class: 'confidence', title: 'Best confidence', text: `${Math.round(s.bestConfidence)}%` }),
    s.ongoing ? h('span', { class: 'pill live', text: 'Now' }) : null,
  );
}
