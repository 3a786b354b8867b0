import { Global, Module } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** The shutdown state, for main.ts (graceful shutdown) and /health. */
@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
