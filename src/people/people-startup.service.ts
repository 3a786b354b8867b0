import { readdir, readFile, stat } from 'node:fs/promises';
import { join, parse, resolve } from 'node:path';
import { HttpException, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { describeError } from '../common/worker-rpc';
import { RecognitionService } from '../recognition/recognition.service';
import { bestOverlappingFace } from './enrollment/face-choice';
import type { FaceSample } from './entities/face-sample.entity';
import { PeopleService } from './people.service';
import { personNameProblem } from './person-name';

/** A re-embedded face must overlap the stored box at least this much to count as the same face. */
const MIN_REEMBED_OVERLAP = 0.3;

/**
 * Brings the live gallery up to date at start. Runs in onModuleInit: after the recognition
 * module (which this module imports) has loaded its engine, and before any
 * onApplicationBootstrap, so the camera starts with every enrolled person known.
 */
/** Provide `false` to skip enrolling FACES_DIR at start (command-line tools); the server does it. */
export const ENROLL_FACES_DIR_AT_START = Symbol('ENROLL_FACES_DIR_AT_START');

@Injectable()
export class PeopleStartupService implements OnModuleInit {
  private readonly logger = new Logger(PeopleStartupService.name);
  private readonly facesDir: string;
  private readonly maxUploadBytes: number;

  constructor(
    private readonly people: PeopleService,
    private readonly recognition: RecognitionService,
    config: ConfigService<AppConfig, true>,
    @Optional() @Inject(ENROLL_FACES_DIR_AT_START) private readonly enrollFacesDirAtStart: boolean = true,
  ) {
    this.facesDir = resolve(config.get('FACES_DIR', { infer: true }));
    this.maxUploadBytes = config.get('UPLOAD_MAX_BYTES', { infer: true });
  }

  async onModuleInit(): Promise<void> {
    await this.people.loadGallery();
    await this.reembedOtherModels();
    await this.rateUnratedSamples();
    if (this.enrollFacesDirAtStart) await this.enrollFacesDir();
  }

  /** Samples enrolled before quality was measured get it from their stored photo, so the people page shows every photo's. */
  private async rateUnratedSamples(): Promise<void> {
    const samples = await this.people.samplesWithoutQuality();
    if (samples.length === 0) return;
    let rated = 0;
    for (const sample of samples) {
      try {
        const analysis = await this.recognition.analyzePhoto(await this.people.readPhoto(sample));
        const match = bestOverlappingFace(analysis.faces, sample.box);
        if (!match || match.overlap < MIN_REEMBED_OVERLAP) continue;
        await this.people.setQuality(sample, match.face);
        rated++;
      } catch (err) {
        this.logger.warn(`the quality of face ${sample.id} of ${sample.person.name} was not measured: ${describeError(err)}`);
      }
    }
    this.logger.log(`measured the quality of ${rated} of ${samples.length} face(s) enrolled before it was measured`);
  }

  /**
   * Samples made by another engine (RECOGNITION_ENGINE changed) get a vector from the
   * running one, computed from their stored photo, so the gallery never mixes spaces.
   */
  private async reembedOtherModels(): Promise<void> {
    const samples = await this.people.samplesOfOtherModels();
    if (samples.length === 0) return;
    this.logger.log(`re-embedding ${samples.length} face(s) made by another model with ${this.recognition.engine.modelId}`);
    for (const sample of samples) {
      try {
        await this.reembed(sample);
      } catch (err) {
        this.logger.warn(`face ${sample.id} of ${sample.person.name} was not re-embedded: ${describeError(err)}`);
      }
    }
  }

  private async reembed(sample: FaceSample): Promise<void> {
    const analysis = await this.recognition.analyzePhoto(await this.people.readPhoto(sample));
    const match = bestOverlappingFace(analysis.faces, sample.box);
    if (!match || match.overlap < MIN_REEMBED_OVERLAP) {
      throw new Error('the face is no longer found at its place in the stored photo');
    }
    await this.people.replaceEmbedding(sample, match.face.embedding, match.face.box);
  }

  /**
   * Enrolls each photo in FACES_DIR under its file name (without extension), taking its
   * dominant face. A photo enrolled before (same bytes) is skipped; a name that exists gets
   * the photo as another face; a file that cannot be enrolled is reported and skipped.
   */
  private async enrollFacesDir(): Promise<void> {
    const files = await listFiles(this.facesDir);
    let enrolled = 0;
    for (const file of files) {
      try {
        if (await this.enrollFile(file)) enrolled++;
      } catch (err) {
        this.logger.warn(`${join(this.facesDir, file)} skipped: ${reason(err)}`);
      }
    }
    if (files.length > 0) this.logger.log(`FACES_DIR ${this.facesDir}: ${enrolled} new of ${files.length} photo(s)`);
  }

  /** True when the file added something. */
  private async enrollFile(file: string): Promise<boolean> {
    const path = join(this.facesDir, file);
    const name = parse(file).name.trim();
    const problem = personNameProblem(name);
    if (problem) throw new Error(`the file name is not a usable person name: ${problem}`);
    // Checked before reading, so a huge file never fills memory.
    const { size } = await stat(path);
    if (size > this.maxUploadBytes) throw new Error(`${size} bytes is over UPLOAD_MAX_BYTES (${this.maxUploadBytes})`);
    const bytes = await readFile(path);
    if (await this.people.isEnrolled(bytes)) return false;
    const existing = await this.people.findByName(name);
    // A file cannot name a face: its subject is the face that dominates it (as for every upload).
    if (existing) await this.people.addFace(existing.id, bytes);
    else await this.people.create(name, bytes);
    return true;
  }
}

/** Regular files (or links to them), not hidden, sorted; none when the folder does not exist. */
async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** An HTTP refusal's message, or any error's. */
function reason(err: unknown): string {
  if (err instanceof HttpException) {
    const response = err.getResponse();
    const message = typeof response === 'object' && response !== null && 'message' in response ? response.message : response;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  return describeError(err);
}
