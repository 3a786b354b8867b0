import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { EventBus } from '../../events/event-bus';
import { GalleryService } from '../../recognition/gallery.service';
import { RecognitionService } from '../../recognition/recognition.service';
import { UnknownFacesService } from '../../unknown-faces/unknown-faces.service';
import type { Sighting } from '../sighting.entity';
import { SightingDto } from '../sightings.dto';
import { SightingsRepository } from '../sightings.repository';
import { SightingsService } from '../sightings.service';
import type { MatchedSampleDto, ReassignSightingDto, SightingCorrectionDto, SightingEvidenceDto } from './sighting-correction.dto';

/**
 * Correcting a wrong name: a sighting is given to the person it really showed, or sent to the
 * unknown-faces inbox with its crop; either way the answer names the sample of the person wrongly
 * named that looks most like the face, the one to remove if it is a bad photo.
 */
@Injectable()
export class SightingCorrectionService {
  private readonly logger = new Logger(SightingCorrectionService.name);
  private readonly correcting = new Set<number>();

  constructor(
    private readonly sightings: SightingsRepository,
    private readonly recorder: SightingsService,
    private readonly gallery: GalleryService,
    private readonly recognition: RecognitionService,
    private readonly inbox: UnknownFacesService,
    private readonly events: EventBus,
  ) {}

  async evidence(id: number): Promise<SightingEvidenceDto> {
    const row = await this.find(id);
    return { ...SightingDto.from(row), matchedSample: this.matchedSample(row, await this.embeddingOf(row)) };
  }

  async reassign(id: number, target: ReassignSightingDto): Promise<SightingCorrectionDto> {
    if ((target.personId === undefined) === (target.unknown === undefined)) {
      throw new BadRequestException('give exactly one of "personId" (an enrolled person) or "unknown": true');
    }
    if (this.correcting.has(id)) throw new ConflictException(`sighting ${id} is being corrected already`);
    this.correcting.add(id);
    try {
      const row = await this.find(id);
      return target.personId !== undefined ? await this.toPerson(row, target.personId) : await this.toUnknown(row);
    } finally {
      this.correcting.delete(id);
    }
  }

  private async toPerson(row: Sighting, personId: number): Promise<SightingCorrectionDto> {
    if (personId === row.personId) throw new BadRequestException(`sighting ${row.id} names person ${personId} already`);
    const name = this.gallery.nameOf(personId);
    if (name === undefined) throw new NotFoundException(`person ${personId} not found`);
    const matchedSample = this.matchedSample(row, await this.embeddingOf(row));
    this.recorder.release(row.id);
    if (!(await this.sightings.reassign(row.id, personId, name))) throw new NotFoundException(`sighting ${row.id} not found`);
    const sighting = SightingDto.from({ ...row, personId, personName: name });
    this.events.emit('sighting.changed', sighting);
    this.logger.log(`sighting ${row.id} reassigned from ${row.personName} (#${row.personId}) to ${name} (#${personId})`);
    return { sighting, unknownFaceId: null, matchedSample };
  }

  private async toUnknown(row: Sighting): Promise<SightingCorrectionDto> {
    if (!row.thumbnail) throw new UnprocessableEntityException(`sighting ${row.id} has no face crop to send to the inbox`);
    // The crop is what an admin enrolls from the inbox later: it must show a face the detector finds.
    const [face] = (await this.recognition.analyzePhoto(row.thumbnail)).faces;
    if (!face) throw new UnprocessableEntityException(`no face found in the crop of sighting ${row.id}`);
    const embedding = this.storedEmbedding(row) ?? face.embedding;
    const matchedSample = this.matchedSample(row, embedding);
    this.recorder.release(row.id);
    const unknownFaceId = await this.inbox.addStranger({
      camera: row.camera,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      embedding,
      faceHeight: Math.round(face.box.height),
      photo: row.thumbnail,
      thumbnail: row.thumbnail,
      notPersonId: row.personId,
    });
    await this.sightings.delete(row.id);
    this.logger.log(`sighting ${row.id} of ${row.personName} (#${row.personId}) was a stranger: unknown face ${unknownFaceId}`);
    return { sighting: null, unknownFaceId, matchedSample };
  }

  private async find(id: number): Promise<Sighting> {
    const row = await this.sightings.withEvidence(id);
    if (!row) throw new NotFoundException(`sighting ${id} not found`);
    return row;
  }

  /** The kept embedding if the running model made it, else the crop embedded again (null without a usable crop). */
  private async embeddingOf(row: Sighting): Promise<Float32Array | null> {
    const stored = this.storedEmbedding(row);
    if (stored || !row.thumbnail) return stored;
    const { faces } = await this.recognition.analyzePhoto(row.thumbnail);
    return faces[0]?.embedding ?? null;
  }

  private storedEmbedding(row: Sighting): Float32Array | null {
    return row.embedding && row.embeddingModelId === this.recognition.engine.modelId ? row.embedding : null;
  }

  private matchedSample(row: Sighting, embedding: Float32Array | null): MatchedSampleDto | null {
    const nearest = embedding && this.gallery.nearestSampleOf(row.personId, embedding);
    if (!nearest) return null;
    return {
      personId: row.personId,
      sampleId: nearest.sampleId,
      similarity: Math.round(nearest.similarity * 1000) / 1000,
      thumbnailUrl: `/people/${row.personId}/faces/${nearest.sampleId}/thumbnail`,
    };
  }
}
