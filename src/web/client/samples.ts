/** A person's samples and suggested samples as the people page shows them: with how good a view each is. */
import type { FaceQuality, FaceSample, Suggestion } from './api.js';
import { h } from './dom.js';

/** An enrolled photo with its quality: a bad enrollment photo shows as "poor". */
export function sampleFigure(face: FaceSample): HTMLElement {
  return h(
    'figure',
    { class: 'sample', 'data-face': face.id },
    h('img', { src: face.thumbnailUrl, alt: 'Enrolled photo', class: 'thumb small' }),
    face.quality
      ? h('figcaption', { class: qualityClass(face.quality), text: qualityText(face.quality), title: qualityTitle(face.quality) })
      : h('figcaption', { class: 'quality', text: '–', title: 'Quality not measured (enrolled before it was)' }),
  );
}

/** A suggested sample with one-click "Add" and "Not this person" (admin; the rejection is remembered by the server). */
export function suggestionFigure(personName: string, suggestion: Suggestion, onAccept: () => void, onReject: () => void): HTMLElement {
  return h(
    'figure',
    { class: 'suggestion', 'data-suggestion': suggestion.id },
    h('img', { src: suggestion.thumbnailUrl, alt: `Suggested view of ${personName}`, class: 'thumb small' }),
    h('figcaption', { class: qualityClass(suggestion.quality), text: qualityText(suggestion.quality), title: qualityTitle(suggestion.quality) }),
    h('button', { type: 'button', class: 'small admin-only accept', text: 'Add', onclick: onAccept }),
    h('button', {
      type: 'button',
      class: 'link admin-only reject',
      text: 'Not this person',
      title: `Not ${personName}: this view will not be suggested again`,
      onclick: onReject,
    }),
  );
}

export function qualityText(quality: FaceQuality): string {
  const word = quality.overall >= 0.6 ? 'good' : quality.overall >= 0.3 ? 'fair' : 'poor';
  return `${word} ${Math.round(quality.overall * 100)}%`;
}

export function qualityClass(quality: FaceQuality): string {
  return `quality ${quality.overall >= 0.6 ? 'good' : quality.overall >= 0.3 ? 'fair' : 'poor'}`;
}

export function qualityTitle(quality: FaceQuality): string {
  const pct = (value: number) => `${Math.round(value * 100)}%`;
  return `size ${pct(quality.size)}, sharpness ${pct(quality.sharpness)}, frontal ${pct(quality.pose)}`;
}
