import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'The admin or the viewer key' })
  @IsString() @MaxLength(1000)
  key!: string;

  @ApiPropertyOptional({ description: 'Where a browser goes afterwards: a path on this site (anything else means /)' })
  @IsOptional() @IsString() @MaxLength(2000)
  next?: string;
}

export class SessionDto {
  @ApiProperty({ enum: ['admin', 'viewer', 'link', 'metrics', 'anonymous'] })
  role!: string;

  @ApiProperty({ enum: ['key', 'session', 'link', 'token', 'none'] })
  via!: string;

  @ApiProperty({ description: 'Whether reads are open without credentials (PUBLIC_READS)' })
  publicReads!: boolean;

  @ApiPropertyOptional({ description: 'When the session ends (ISO 8601), for a session' })
  expiresAt?: string;
}

export class StreamLinkRequestDto {
  @ApiPropertyOptional({ description: 'How long the link works, in hours (default 24, at most a year)', minimum: 0.02, maximum: 8760 })
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0.02) @Max(8760)
  ttlHours?: number;
}

export class StreamLinkDto {
  @ApiProperty({ example: '/cameras/door/stream?token=…&expires=1767225600', description: "The camera's MJPEG stream, without any other credential; prepend the server's address" })
  url!: string;

  @ApiProperty({ example: '/cameras/door/snapshot.jpg?token=…&expires=1767225600', description: 'The same for single snapshots' })
  snapshotUrl!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  expiresAt!: string;
}
