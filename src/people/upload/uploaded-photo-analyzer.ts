import { BadRequestException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config';
import { WorkerCallError } from '../../common/worker-rpc';
import { PHOTO_UNDECODABLE, type PhotoAnalysis } from '../../recognition/inference/inference.protocol';
import { RecognitionService } from '../../recognition/recognition.service';
import { checkUpload, type CheckedUpload, type UploadLimits } from './upload-validation';

/** An uploaded photo that passed every check, with its faces found and embedded (largest first). */
export interface AnalyzedUpload {
  bytes: Uint8Array;
  upload: CheckedUpload;
  analysis: PhotoAnalysis;
}

/**
 * The one path every uploaded photo takes (enrollment, recognition, search): the checks that need
 * no decoding (size, format, pixel count, truncation), then decoding, detection and embedding in
 * the vision worker. Refusals are the API's upload statuses (400, 413, 415); nothing is stored.
 */
@Injectable()
export class UploadedPhotoAnalyzer {
  readonly limits: UploadLimits;

  constructor(
    private readonly recognition: RecognitionService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.limits = {
      maxBytes: config.get('UPLOAD_MAX_BYTES', { infer: true }),
      maxPixels: config.get('UPLOAD_MAX_PIXELS', { infer: true }),
    };
  }

  async analyze(image: Uint8Array | undefined): Promise<AnalyzedUpload> {
    const upload = checkUpload(image, this.limits);
    const bytes = image!; // checkUpload refuses a missing image
    const analysis = await this.recognition.analyzePhoto(bytes).catch((err: unknown) => {
      if (err instanceof WorkerCallError && err.code === PHOTO_UNDECODABLE) {
        throw new BadRequestException(`image could not be decoded: ${err.message}`);
      }
      throw err;
    });
    return { bytes, upload, analysis };
  }
}
