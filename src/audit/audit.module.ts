import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CLOCK } from '../common/clock';
import { AuditEntry } from './audit-entry.entity';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditLog, AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit log of admin actions: recorded by a global interceptor, listed at GET /audit (admin); expired by the retention job. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry])],
  controllers: [AuditController],
  providers: [
    { provide: AuditLog, useClass: AuditRepository },
    { provide: CLOCK, useValue: Date.now },
    AuditService,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
})
export class AuditModule {}
