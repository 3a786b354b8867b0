import { extname } from 'node:path';
import type { ExportedFileDto, PersonExportDto } from './person-export';

/** One file of an archive. */
export interface ArchiveEntry {
  name: string;
  data: Buffer;
  /** The time stored for the file. */
  date: Date;
}

/** The manifest's name in the archive: the export document, with each file's path in place of its bytes. */
export const MANIFEST = 'manifest.json';

/** A file of the document, as the manifest names it: `path` in the archive, null when it was missing on disk. */
export interface ArchivedFile {
  file: string;
  contentType: string;
  path: string | null;
}

/**
 * The person export as archive files: pure. The photos, thumbnails, sighting crops and suggested
 * samples become files (`faces/{id}-photo.jpg`, `faces/{id}-thumbnail.jpg`, `sightings/{id}.jpg`,
 * `suggestions/{id}.jpg`), the sightings'
 * times and cameras also a CSV for a spreadsheet, and everything else the manifest (`manifest.json`:
 * the JSON export with a path for every file instead of its base64).
 */
export function personArchiveEntries(document: PersonExportDto): ArchiveEntry[] {
  const date = new Date(document.exportedAt);
  const files: ArchiveEntry[] = [];
  const archive = (file: ExportedFileDto, path: string): ArchivedFile => {
    if (file.base64 === null) return { file: file.file, contentType: file.contentType, path: null };
    files.push({ name: path, data: Buffer.from(file.base64, 'base64'), date });
    return { file: file.file, contentType: file.contentType, path };
  };
  const faces = document.faces.map(({ photo, thumbnail, ...face }) => ({
    ...face,
    photo: archive(photo, `faces/${face.id}-photo${extensionOf(photo.file, '.jpg')}`),
    thumbnail: archive(thumbnail, `faces/${face.id}-thumbnail${extensionOf(thumbnail.file, '.jpg')}`),
  }));
  const sightings = document.sightings.map(({ cropJpegBase64, ...sighting }) => {
    const crop = cropJpegBase64 === null ? null : `sightings/${sighting.id}.jpg`;
    if (crop !== null) files.push({ name: crop, data: Buffer.from(cropJpegBase64!, 'base64'), date });
    return { ...sighting, crop };
  });
  const suggestions = document.suggestions.map(({ photoJpegBase64, ...suggestion }) => {
    const photo = `suggestions/${suggestion.id}.jpg`;
    files.push({ name: photo, data: Buffer.from(photoJpegBase64, 'base64'), date });
    return { ...suggestion, photo };
  });
  const manifest = { ...document, faces, sightings, suggestions };
  return [
    { name: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'), date },
    { name: 'sightings.csv', data: Buffer.from(sightingsCsv(sightings), 'utf8'), date },
    ...files,
  ];
}

/** `id,camera,personName,firstSeen,lastSeen,bestConfidence,crop`, one row a sighting, RFC 4180 quoting. */
export function sightingsCsv(rows: Array<{ id: number; camera: string; personName: string; firstSeen: string; lastSeen: string; bestConfidence: number; crop: string | null }>): string {
  const header = 'id,camera,personName,firstSeen,lastSeen,bestConfidence,crop';
  const lines = rows.map((row) => [row.id, row.camera, row.personName, row.firstSeen, row.lastSeen, row.bestConfidence, row.crop ?? ''].map(csvField).join(','));
  return [header, ...lines].join('\r\n') + '\r\n';
}

function csvField(value: string | number): string {
  const text = String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet: quoted with a ' in front.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The stored file's extension if it is a plain one (stored names are generated: this is belt and braces). */
function extensionOf(file: string, fallback: string): string {
  const ext = extname(file).toLowerCase();
  return /^\.[a-z0-9]{1,5}$/.test(ext) ? ext : fallback;
}
