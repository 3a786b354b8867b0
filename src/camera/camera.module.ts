import { Injectable, Module } from '@nestjs/common';
import { CameraCapture, CameraOptions } from './camera-capture';
import { CapturePort, FrameSource } from './capture.port';

/** Capture in a child process per camera (see capture-session.ts). */
@Injectable()
export class ProcessCapture extends CapturePort {
  open(options: CameraOptions): FrameSource {
    return new CameraCapture(options);
  }
}

/** Camera capture: one source opened per camera, behind the CapturePort. */
@Module({
  providers: [{ provide: CapturePort, useClass: ProcessCapture }],
  exports: [CapturePort],
})
export class CameraModule {}
