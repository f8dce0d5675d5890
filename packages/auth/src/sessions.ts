import type { Clock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { Lucia, TimeSpan } from "lucia";
import type { AuthOptions } from "./context.ts";
import { LUCIA_WINDOW_MS, type SessionAttributes, sessionAdapter } from "./lucia-adapter.ts";

export interface ValidSession {
  userId: string;
  kind: "staff" | "citizen";
  tenantId: string | null;
  pending: boolean;
  createdAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

export interface SessionManager {
  /** A fresh random id every time (never one the client chose), so a session cannot be fixed. */
  create(
    input: Omit<SessionAttributes, "idleExpiresAt" | "absoluteExpiresAt" | "createdAt"> & {
      userId: string;
    },
  ): Promise<{ token: string; session: ValidSession }>;
  validate(token: string): Promise<ValidSession | null>;
  invalidate(token: string): Promise<void>;
  invalidateUser(userId: string): Promise<void>;
  deleteExpired(): Promise<void>;
}

/** lucia behind our own surface: callers never see lucia's types or its real-time expiry. */
export function sessionManager(db: Database, clock: Clock, opts: AuthOptions): SessionManager {
  const lucia = new Lucia(sessionAdapter(db, clock, opts), {
    sessionExpiresIn: new TimeSpan(LUCIA_WINDOW_MS / 1000, "s"),
    getSessionAttributes: (a) => a as SessionAttributes,
  });
  const view = (userId: string, a: SessionAttributes, fresh: boolean): ValidSession => {
    const now = clock.now().getTime();
    const idleMs = a.kind === "staff" ? opts.staffSession.idleMs : opts.citizenSession.idleMs;
    const absolute = a.absoluteExpiresAt ?? new Date(now);
    return {
      userId,
      kind: a.kind,
      tenantId: a.tenantId,
      pending: a.pending,
      createdAt: a.createdAt ?? new Date(now),
      absoluteExpiresAt: absolute,
      // lucia renewed (we slid the idle limit in the adapter): mirror that here.
      idleExpiresAt:
        fresh && !a.pending
          ? new Date(Math.min(now + idleMs, absolute.getTime()))
          : (a.idleExpiresAt ?? new Date(now)),
    };
  };
  const m: SessionManager = {
    async create({ userId, ...attributes }) {
      const s = await lucia.createSession(userId, attributes);
      const validated = await m.validate(s.id);
      if (!validated) throw new Error("session vanished right after creation");
      return { token: s.id, session: validated };
    },
    async validate(token) {
      if (typeof token !== "string" || !/^[a-z0-9]{20,64}$/.test(token)) return null;
      const { session } = await lucia.validateSession(token);
      if (!session) return null;
      return view(session.userId, session as unknown as SessionAttributes, session.fresh);
    },
    invalidate: (token) => lucia.invalidateSession(token),
    invalidateUser: (userId) => lucia.invalidateUserSessions(userId),
    deleteExpired: () => lucia.deleteExpiredSessions(),
  };
  return m;
}
