import { extname } from 'node:path';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import type { FaceSample } from '../entities/face-sample.entity';
import { PeopleRepository } from '../people.repository';
import { PERSON_TRACES, PersonTraces } from '../person-traces';
import { PhotoStore } from '../storage/photo-store';
import { SUGGESTION_STORE, SuggestionStore } from '../suggestions/suggestion-store';
import { EXPORT_FORMAT, EXPORT_VERSION, ExportedFaceDto, ExportedFileDto, PersonExportDto } from './person-export';

const CONTENT_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

/**
 * Everything stored about one person, as one JSON document (files base64-encoded): the person,
 * every face sample with its photo, thumbnail and embedding, every sighting with its crop, every
 * suggested sample with its photo, every rejected view's embedding. The ZIP form is laid out from it (person-archive.ts).
 */
@Injectable()
export class PersonExportService {
  constructor(
    private readonly people: PeopleRepository,
    private readonly photos: PhotoStore,
    @Inject(PERSON_TRACES) private readonly traces: PersonTraces,
    @Inject(CLOCK) private readonly now: Clock,
    @Inject(SUGGESTION_STORE) private readonly suggestions: SuggestionStore,
  ) {}

  async export(personId: number): Promise<PersonExportDto> {
    const person = await this.people.findOne(personId);
    if (!person) throw new NotFoundException(`person ${personId} not found`);
    const [faces, sightings, suggestions, rejectedViews] = await Promise.all([
      Promise.all(person.samples.map((sample) => this.face(sample))),
      this.traces.listOf(personId),
      this.suggestions.exportOf(personId),
      this.suggestions.rejectedOf(personId),
    ]);
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date(this.now()).toISOString(),
      person: { id: person.id, name: person.name, createdAt: iso(person.createdAt), updatedAt: iso(person.updatedAt) },
      faces,
      sightings: sightings.map((sighting) => ({
        id: sighting.id,
        camera: sighting.camera,
        personName: sighting.personName,
        firstSeen: new Date(sighting.firstSeen).toISOString(),
        lastSeen: new Date(sighting.lastSeen).toISOString(),
        bestConfidence: Math.round(sighting.bestConfidence * 10) / 10,
        cropJpegBase64: sighting.crop ? sighting.crop.toString('base64') : null,
        embeddingFloat32Base64: sighting.embedding ? float32Base64(sighting.embedding) : null,
      })),
      suggestions: suggestions.map((suggestion) => ({
        id: suggestion.id,
        camera: suggestion.camera,
        seenAt: new Date(suggestion.seenAt).toISOString(),
        similarity: suggestion.similarity,
        quality: suggestion.quality,
        modelId: suggestion.modelId,
        embeddingFloat32Base64: float32Base64(suggestion.embedding),
        photoJpegBase64: suggestion.photo.toString('base64'),
      })),
      rejectedViews: rejectedViews.map((view) => ({
        id: view.id,
        camera: view.camera,
        seenAt: new Date(view.seenAt).toISOString(),
        rejectedAt: new Date(view.rejectedAt).toISOString(),
        modelId: view.modelId,
        embeddingFloat32Base64: float32Base64(view.embedding),
      })),
    };
  }

  private async face(sample: FaceSample): Promise<ExportedFaceDto> {
    return {
      id: sample.id,
      createdAt: iso(sample.createdAt),
      modelId: sample.modelId,
      box: sample.box,
      photoSha256: sample.photoSha256,
      embeddingFloat32Base64: float32Base64(sample.embedding),
      quality: sample.quality ?? null,
      photo: await this.file(sample.photoFile, () => this.photos.readPhoto(sample.photoFile)),
      thumbnail: await this.file(sample.thumbnailFile, () => this.photos.readThumbnail(sample.thumbnailFile)),
    };
  }

  private async file(name: string, read: () => Promise<Buffer>): Promise<ExportedFileDto> {
    const bytes = await read().catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    return { file: name, contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream', base64: bytes ? bytes.toString('base64') : null };
  }
}

function float32Base64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function iso(date: Date | string): string {
  return new Date(date).toISOString();
}
