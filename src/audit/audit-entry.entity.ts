import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EPOCH_MS } from '../database/portable-types';

/**
 * One admin action, or a refused attempt at one (status 401/403): what (method, route, path,
 * answer), when, by which role, from where.
 */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  /** Epoch ms, when the answer was sent. */
  @Index()
  @Column(EPOCH_MS)
  at: number;

  /** The role of the credentials used: `admin`; for a refused attempt `viewer`, `link` or `none` (no or bad credentials). */
  @Column({ type: 'varchar', length: 16 })
  role: string;

  /** The client's address as the server saw it. */
  @Column({ type: 'varchar', length: 64 })
  ip: string;

  @Column({ type: 'varchar', length: 8 })
  method: string;

  /** The route's pattern, e.g. `/people/:id`. */
  @Column({ type: 'varchar', length: 128 })
  route: string;

  /** The path requested, without its query, e.g. `/people/3`. */
  @Column({ type: 'varchar', length: 256 })
  path: string;

  /** The HTTP status answered. */
  @Column('integer')
  status: number;

  /** Refused attempts from the same address left out of the log before this one (the rate bound). */
  @Column('integer', { default: 0 })
  suppressed: number;
}
