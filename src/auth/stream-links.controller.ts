import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { AccessService } from './access.service';
import { StreamLinkDto, StreamLinkRequestDto } from './auth.dto';

const DEFAULT_LINK_HOURS = 24;

/** Signed, expiring links to a camera's stream, for embedding it where no key can be sent (an <img>, Home Assistant's MJPEG camera). */
@ApiTags('cameras')
@Controller('cameras')
export class StreamLinksController {
  constructor(
    private readonly access: AccessService,
    private readonly cameras: CameraRegistry,
  ) {}

  @Post(':name/stream-url')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A signed link to the camera\u2019s stream and snapshot that works without a key until it expires (admin)',
    description: 'HMAC-signed with the secret in DATA_DIR and the current admin key: changing ADMIN_API_KEY (or deleting DATA_DIR/session-secret) revokes every link.',
  })
  @ApiOkResponse({ type: StreamLinkDto })
  @ApiForbiddenResponse({ description: 'Viewers cannot issue links' })
  create(@Param('name') name: string, @Body() body: StreamLinkRequestDto): StreamLinkDto {
    const { definition } = this.cameras.get(name); // 404 for an unknown camera
    const link = this.access.streamLink(definition.name, (body.ttlHours ?? DEFAULT_LINK_HOURS) * 3600);
    return { url: link.path, snapshotUrl: link.snapshotPath, expiresAt: new Date(link.expires * 1000).toISOString() };
  }
}
