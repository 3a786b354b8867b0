/** The sightings history: filtered by person, camera and time range, paged, refreshed on `sighting` events. */
import { api, errorText } from './api.js';
import type { Page, Sighting } from './api.js';
import { byId, duration, h, when } from './dom.js';

export class Sightings {
  private page = 1;
  private timer: number | undefined;
  private requests = 0;

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
      void this.load();
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
      ...(page.items.length ? page.items.map((s) => sightingRow(s)) : [h('li', { class: 'empty', text: 'No sightings yet. Each time a known person comes into view, it is recorded here.' })]),
    );
    this.pager(page);
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
