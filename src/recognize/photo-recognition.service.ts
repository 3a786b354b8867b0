import { Inject, Injectable } from '@nestjs/common';
import { chooseEnrollmentFace } from '../people/enrollment/face-choice';
import { UploadedPhotoAnalyzer } from '../people/upload/uploaded-photo-analyzer';
import type { EmbeddedFace } from '../recognition/face.types';
import { GalleryService } from '../recognition/gallery.service';
import type { MatchResult } from '../recognition/matching/matcher';
import { RecognitionService } from '../recognition/recognition.service';
import { recognizableFaces } from './photo-faces';

export const PHOTO_RECOGNITION_OPTIONS = Symbol('PHOTO_RECOGNITION_OPTIONS');

export interface PhotoRecognitionOptions {
  /** Faces shorter than this (px) are too small to name (ENROLL_MIN_FACE_PX). */
  minFacePx: number;
}

/** A face of the photo with who it is. */
export interface NamedPhotoFace {
  face: EmbeddedFace;
  match: MatchResult;
}

export interface RecognizedPhoto {
  /** Size after EXIF orientation: the boxes' coordinate space. */
  width: number;
  height: number;
  /** The similarity a face needed to be named (the open-set threshold for the gallery as it is now). */
  threshold: number;
  /** Largest first. */
  faces: NamedPhotoFace[];
}

/**
 * "Who is in this photo?": the uploaded photo goes through enrollment's checks and analysis
 * (decoding, detection, embedding in the vision worker) and its faces are named against the
 * gallery with the live stream's rule. Reads only: nothing is stored.
 */
@Injectable()
export class PhotoRecognitionService {
  constructor(
    private readonly uploads: UploadedPhotoAnalyzer,
    private readonly recognition: RecognitionService,
    private readonly gallery: GalleryService,
    @Inject(PHOTO_RECOGNITION_OPTIONS) private readonly options: PhotoRecognitionOptions,
  ) {}

  /** Every face large enough to name; refuses a photo without one (NoRecognizableFaceError). */
  async recognize(image: Uint8Array | undefined): Promise<RecognizedPhoto> {
    const { analysis } = await this.uploads.analyze(image);
    const faces = recognizableFaces(analysis.faces, this.options.minFacePx);
    const policy = this.recognition.matchPolicy;
    const matches = await this.gallery.matchAll(
      faces.map((face) => face.embedding),
      policy,
    );
    return {
      width: analysis.width,
      height: analysis.height,
      threshold: policy.threshold,
      faces: faces.map((face, i) => ({ face, match: matches[i] })),
    };
  }

  /**
   * The one face a search is about, chosen as enrollment chooses (one face, `faceIndex`, or the
   * face that clearly dominates the photo; the same 422s otherwise), with who it is.
   */
  async identify(image: Uint8Array | undefined, faceIndex?: number): Promise<NamedPhotoFace> {
    const { analysis } = await this.uploads.analyze(image);
    const { face } = chooseEnrollmentFace(analysis.faces, { faceIndex, photo: analysis, minFacePx: this.options.minFacePx });
    const [match] = await this.gallery.matchAll([face.embedding], this.recognition.matchPolicy);
    return { face, match };
  }
}
