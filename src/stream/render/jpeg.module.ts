import { Module } from '@nestjs/common';
import { JpegEncoder, TurboJpegEncoder } from './jpeg-encoder';

/** JPEG encoding of frames and face crops off the vision thread (one encoder per app: its scratch buffers are shared). */
@Module({ providers: [{ provide: JpegEncoder, useClass: TurboJpegEncoder }], exports: [JpegEncoder] })
export class JpegModule {}
