import { Controller, HttpCode, HttpStatus, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiImageErrors } from '../people/api-errors';
import { PhotoRecognitionService } from './photo-recognition.service';
import { PhotoForm, RecognizedPhotoDto } from './recognize.dto';

/** The part of multer's file object we use (uploads are kept in memory). */
interface UploadedImage {
  buffer: Buffer;
}

const EXAMPLE: RecognizedPhotoDto = {
  width: 1280,
  height: 720,
  threshold: 0.233,
  faces: [
    { name: 'Serena_Williams', personId: 3, confidence: 97.2, similarity: 0.612, box: [160, 300, 118, 130], score: 0.93 },
    { name: 'Unknown', personId: null, confidence: 99.1, similarity: 0.081, box: [700, 210, 96, 110], score: 0.9 },
  ],
};

@ApiTags('recognize')
@Controller('recognize')
export class RecognizeController {
  constructor(private readonly photos: PhotoRecognitionService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({
    summary: 'Who is in this photo?',
    description:
      'Every face of the photo at least ENROLL_MIN_FACE_PX tall (a group photo of 30 works), largest first, named against ' +
      'the people enrolled with the live stream’s rule, or "Unknown". A read: it needs what reads need (the viewer or admin key, ' +
      'or nothing with PUBLIC_READS) and stores nothing. Same upload rules, limits and refusals as enrolling.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: PhotoForm })
  @ApiOkResponse({ type: RecognizedPhotoDto, description: 'The faces with who they are', example: EXAMPLE })
  @ApiImageErrors()
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'No face at least ENROLL_MIN_FACE_PX tall', [
    'no face found',
    'face is too small to recognise: 24 px tall, at least 40 px needed',
  ])
  async recognize(@UploadedFile() image?: UploadedImage): Promise<RecognizedPhotoDto> {
    return RecognizedPhotoDto.from(await this.photos.recognize(image?.buffer));
  }
}
