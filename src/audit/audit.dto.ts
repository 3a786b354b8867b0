import { ApiProperty } from '@nestjs/swagger';
import type { AuditEntry } from './audit-entry.entity';
import { PageMetaDto } from '../sightings/sightings.dto';

export class AuditEntryDto {
  @ApiProperty({ example: 41 })
  id: number;
  @ApiProperty({ description: 'When the answer was sent', example: '2026-01-31T12:00:00.000Z' })
  at: string;
  @ApiProperty({ description: 'The role of the credentials used; for a refused attempt (401/403) `viewer`, `link` or `none`', example: 'admin' })
  role: string;
  @ApiProperty({ description: 'The client address', example: '192.0.2.7' })
  ip: string;
  @ApiProperty({ example: 'DELETE' })
  method: string;
  @ApiProperty({ description: 'The route', example: '/people/:id' })
  route: string;
  @ApiProperty({ description: 'The path requested (no query)', example: '/people/3' })
  path: string;
  @ApiProperty({ description: 'The HTTP status answered (401/403: a refused attempt)', example: 204 })
  status: number;
  @ApiProperty({ description: 'Refused attempts from the same address not listed before this one (at most a few per minute are)', example: 0 })
  suppressed: number;

  static from(this: void, row: AuditEntry): AuditEntryDto {
    return { id: row.id, at: new Date(row.at).toISOString(), role: row.role, ip: row.ip, method: row.method, route: row.route, path: row.path, status: row.status, suppressed: row.suppressed ?? 0 };
  }
}

export class AuditPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' })
  items: AuditEntryDto[];
}
