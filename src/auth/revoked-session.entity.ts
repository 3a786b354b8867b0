import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A session signed out before it expired: its random id (never the token) and when it would
 * have expired, after which the row is useless (the token's own expiry refuses it) and is dropped.
 */
@Entity('revoked_sessions')
export class RevokedSession {
  @PrimaryColumn({ type: 'varchar', length: 22 })
  id: string;

  /** Seconds since the epoch. */
  @Index()
  @Column('integer')
  expires: number;
}
