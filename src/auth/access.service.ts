import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { AccessOptions, Caller, decide, Requirement, Role } from './access-rule';
import { apiKeyMatches } from './api-key';
import { CredentialInput, CredentialStore, identify, isForeignOrigin, requestHosts } from './credentials';
import { corsOriginOption } from './http-security';
import { SessionRevocations } from './session-revocations';
import { keyFingerprint, signSession, signStreamLink, verifySession } from './signed-tokens';

export const ACCESS_SECRETS = Symbol('ACCESS_SECRETS');

/** The keys and the signing secret, as provisioned at start (see AuthModule). */
export interface AccessSecrets {
  adminKey: string;
  viewerKey: string;
  sessionSecret: string;
}

/** A request to be checked: where it goes and what it carries. */
export interface AccessRequest extends CredentialInput {
  requirement: Requirement;
}

export type AccessOutcome =
  | { allow: true; caller: Caller; clearCookie?: boolean; expires?: number }
  | { allow: false; status: 401 | 403; message: string; caller?: Caller; clearCookie: boolean };

/** Longest a stream link may live: a year. */
export const MAX_LINK_SECONDS = 365 * 24 * 3600;

/**
 * The access rule with this server's keys: checks HTTP requests and Socket.IO handshakes alike,
 * issues and ends sessions, signs stream links.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  private readonly logger = new Logger('Access');
  readonly options: AccessOptions;
  readonly corsOrigins: boolean | string[];
  readonly sessionTtlSeconds: number;
  private readonly store: CredentialStore;
  /**
   * Signed-out sessions (id → expiry, seconds), kept until they would have expired anyway: checked
   * here (every request, synchronously), and stored (SessionRevocations) so a restart keeps them.
   */
  private readonly revoked = new Map<string, number>();

  constructor(
    @Inject(ACCESS_SECRETS) private readonly secrets: AccessSecrets,
    config: ConfigService<AppConfig, true>,
    private readonly revocations: SessionRevocations,
  ) {
    const metricsToken = config.get('METRICS_TOKEN', { infer: true });
    this.options = { publicReads: config.get('PUBLIC_READS', { infer: true }), metricsToken: Boolean(metricsToken) };
    this.corsOrigins = corsOriginOption(config.get('CORS_ORIGINS', { infer: true }));
    this.sessionTtlSeconds = config.get('SESSION_TTL_HOURS', { infer: true }) * 3600;
    const fingerprints = { admin: keyFingerprint(secrets.adminKey), viewer: keyFingerprint(secrets.viewerKey) };
    this.store = {
      adminKey: secrets.adminKey,
      viewerKey: secrets.viewerKey,
      metricsToken: metricsToken || undefined,
      secret: secrets.sessionSecret,
      fingerprintOf: (role) => fingerprints[role],
      isRevoked: (id) => this.revoked.has(id),
    };
  }

  /** Loads the stored sign-outs before the server listens (dropping those expired meanwhile). */
  async onModuleInit(): Promise<void> {
    for (const { id, expires } of await this.revocations.load(nowSeconds())) this.revoked.set(id, expires);
    if (this.revoked.size > 0) this.logger.log(`${this.revoked.size} signed-out session(s) stay refused`);
  }

  /** Whether the request may go on, and who made it. */
  check(request: AccessRequest): AccessOutcome {
    const identified = identify(request, this.store, nowSeconds());
    if (!identified.ok) {
      // Public routes (the login page above all) stay reachable with a stale cookie, which is dropped.
      if (request.requirement === 'public') return { allow: true, caller: { role: 'anonymous', via: 'none' }, clearCookie: identified.badCookie };
      return { allow: false, status: 401, message: identified.message, clearCookie: identified.badCookie };
    }
    const { caller } = identified;
    // A session cookie rides along with any request the browser makes: one from another site's page is refused.
    if (caller.via === 'session' && request.requirement !== 'public' && isForeignOrigin(request.headers.origin, requestHosts(request.headers), this.corsOrigins)) {
      return { allow: false, status: 403, message: 'a request from another site cannot use this site\'s session', caller, clearCookie: false };
    }
    const decision = decide(request.requirement, caller, this.options);
    return decision.allow ? { allow: true, caller, expires: identified.session?.expires } : { ...decision, caller, clearCookie: false };
  }

  /** The role a key gives, if it is one of the keys (for signing in). */
  roleForKey(key: unknown): Role | undefined {
    // Both comparisons always run, in constant time each.
    const admin = apiKeyMatches(key, this.secrets.adminKey);
    const viewer = apiKeyMatches(key, this.secrets.viewerKey);
    return admin ? 'admin' : viewer ? 'viewer' : undefined;
  }

  /** A new session for `role`: the cookie's token and when it ends (seconds). */
  startSession(role: Role): { token: string; expires: number } {
    const expires = nowSeconds() + this.sessionTtlSeconds;
    return { token: signSession(this.store.secret, role, expires, this.store.fingerprintOf), expires };
  }

  /**
   * Ends the session of this token, if it is a valid one: refused at once, and stored before this
   * resolves (a failed write is logged; the session stays refused until the next restart).
   */
  async endSession(token: string | undefined | null): Promise<void> {
    if (!token) return;
    const now = nowSeconds();
    const check = verifySession(this.store.secret, token, now, this.store.fingerprintOf);
    if (!check.ok) return;
    this.revoked.set(check.value.id, check.value.expires);
    for (const [id, expires] of this.revoked) if (expires <= now) this.revoked.delete(id);
    try {
      await this.revocations.add(check.value.id, check.value.expires);
    } catch (err) {
      this.logger.warn(`could not store a sign-out (it holds until the server restarts): ${err instanceof Error ? err.message : err}`);
    }
  }

  /** A signed link to a camera's stream for `seconds`: the path with its query, and when it expires. */
  streamLink(camera: string, seconds: number): { path: string; snapshotPath: string; expires: number } {
    const expires = nowSeconds() + Math.max(60, Math.min(MAX_LINK_SECONDS, Math.round(seconds)));
    const token = signStreamLink(this.store.secret, camera, expires, this.store.fingerprintOf('admin'));
    const query = `token=${token}&expires=${expires}`;
    const base = `/cameras/${encodeURIComponent(camera)}`;
    return { path: `${base}/stream?${query}`, snapshotPath: `${base}/snapshot.jpg?${query}`, expires };
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
