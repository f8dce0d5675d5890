import type { Clock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { sessions, users } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { eq, lte, or } from "drizzle-orm";
import type { Adapter, DatabaseSession } from "lucia";
import type { AuthOptions } from "./context.ts";
import { sha256Hex } from "./crypto.ts";

export interface SessionAttributes {
  kind: "staff" | "citizen";
  tenantId: string | null;
  pending: boolean;
  /** Filled when read back: the exact limits from our clock, not lucia's. */
  idleExpiresAt?: Date;
  absoluteExpiresAt?: Date;
  createdAt?: Date;
}

/** lucia's own window; only used to steer it (see getSessionAndUser), never as a real limit. */
export const LUCIA_WINDOW_MS = 7 * 24 * 3_600_000;

/**
 * lucia v3 adapter over platform.sessions. Rows are keyed by SHA-256(session id). lucia judges
 * expiry by Date.now() and renews only in a session's second half, so the adapter decides with our
 * Clock: an expired session (idle or absolute, exact at the limit) is reported with an expiry in the
 * past, which makes lucia delete it; one due for a touch is reported in its renewal half, which
 * makes lucia call updateSessionExpiration, where we slide the idle limit (capped by the absolute).
 */
export function sessionAdapter(db: Database, clock: Clock, opts: AuthOptions): Adapter {
  const limitsFor = (a: SessionAttributes) =>
    a.pending
      ? { idleMs: opts.pendingSessionMs, absoluteMs: opts.pendingSessionMs }
      : a.kind === "staff"
        ? opts.staffSession
        : opts.citizenSession;
  return {
    async getSessionAndUser(sessionId) {
      const now = clock.now().getTime();
      const [row] = await withPlatform(db, (tx) =>
        tx
          .select({ s: sessions, status: users.status })
          .from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(eq(sessions.id, sha256Hex(sessionId))),
      );
      if (!row) return [null, null];
      const { s } = row;
      const expired = now >= s.idleExpiresAt.getTime() || now >= s.absoluteExpiresAt.getTime();
      const dueTouch = now - s.lastSeenAt.getTime() >= opts.sessionTouchMs;
      const real = Date.now();
      const session: DatabaseSession = {
        id: sessionId,
        userId: s.userId,
        expiresAt: new Date(
          expired ? 0 : real + (dueTouch ? LUCIA_WINDOW_MS / 4 : LUCIA_WINDOW_MS),
        ),
        attributes: {
          kind: s.kind,
          tenantId: s.tenantId,
          pending: s.pending,
          idleExpiresAt: s.idleExpiresAt,
          absoluteExpiresAt: s.absoluteExpiresAt,
          createdAt: s.createdAt,
        } satisfies SessionAttributes,
      };
      // A disabled user has no valid session: lucia deletes it when the user comes back null.
      return [session, row.status === "active" ? { id: s.userId, attributes: {} } : null];
    },
    async getUserSessions(userId) {
      const rows = await withPlatform(db, (tx) =>
        tx.select().from(sessions).where(eq(sessions.userId, userId)),
      );
      // Only hashes are stored, so these ids cannot be used as cookies; lucia never needs them to.
      return rows.map((s) => ({
        id: s.id,
        userId: s.userId,
        expiresAt: s.idleExpiresAt,
        attributes: { kind: s.kind, tenantId: s.tenantId, pending: s.pending },
      }));
    },
    async setSession(session) {
      const a = session.attributes as SessionAttributes;
      const now = clock.now();
      const { idleMs, absoluteMs } = limitsFor(a);
      await withPlatform(db, (tx) =>
        tx.insert(sessions).values({
          id: sha256Hex(session.id),
          userId: session.userId,
          kind: a.kind,
          tenantId: a.tenantId,
          pending: a.pending,
          createdAt: now,
          lastSeenAt: now,
          idleExpiresAt: new Date(now.getTime() + Math.min(idleMs, absoluteMs)),
          absoluteExpiresAt: new Date(now.getTime() + absoluteMs),
        }),
      );
    },
    async updateSessionExpiration(sessionId) {
      const now = clock.now();
      await withPlatform(db, async (tx) => {
        const [s] = await tx
          .select()
          .from(sessions)
          .where(eq(sessions.id, sha256Hex(sessionId)));
        if (!s) return;
        const { idleMs } = limitsFor(s);
        const idle = Math.min(now.getTime() + idleMs, s.absoluteExpiresAt.getTime());
        await tx
          .update(sessions)
          .set({ lastSeenAt: now, idleExpiresAt: new Date(idle) })
          .where(eq(sessions.id, s.id));
      });
    },
    async deleteSession(sessionId) {
      await withPlatform(db, (tx) =>
        tx.delete(sessions).where(eq(sessions.id, sha256Hex(sessionId))),
      );
    },
    async deleteUserSessions(userId) {
      await withPlatform(db, (tx) => tx.delete(sessions).where(eq(sessions.userId, userId)));
    },
    async deleteExpiredSessions() {
      const now = clock.now();
      await withPlatform(db, (tx) =>
        tx
          .delete(sessions)
          .where(or(lte(sessions.idleExpiresAt, now), lte(sessions.absoluteExpiresAt, now))),
      );
    },
  };
}
