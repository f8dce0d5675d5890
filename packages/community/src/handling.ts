import { writeAudit } from "@zhengyun/audit";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { and, asc, eq, isNull, like, or } from "drizzle-orm";
import { z } from "zod";
import { allCentres, inPaths, staffPaths } from "./centres.ts";
import { auditActor, type CsCtx, nowOf, parse } from "./context.ts";
import { addUpdate } from "./requests.ts";
import {
  csCentres,
  csRequests,
  type RequestRow,
  type RequestState,
  requestStates,
} from "./schema.ts";

/** The handling loop; closing is also reachable from any open state (withdrawn, merged). */
const NEXT: Record<RequestState, RequestState | undefined> = {
  received: "dispatched",
  dispatched: "in_progress",
  in_progress: "replied",
  replied: "closed",
  closed: undefined,
};

function staffOf(ctx: CsCtx): string {
  if (ctx.actor?.role !== "staff") throw new ForbiddenError("Only centre staff handle requests");
  return ctx.actor.id;
}

/** A request in the actor's subtree, locked for update; outside it the request does not exist. */
async function requestInScope(tx: Tx, userId: string, id: number): Promise<RequestRow> {
  const paths = await staffPaths(tx, userId);
  const [hit] = await tx
    .select({ r: csRequests, path: csCentres.path })
    .from(csRequests)
    .innerJoin(csCentres, eq(csCentres.id, csRequests.centreId))
    .where(eq(csRequests.id, id))
    .for("update", { of: csRequests });
  if (!hit || !inPaths(paths, hit.path)) throw new NotFoundError(`No request ${id}`);
  return hit.r;
}

/** The queue of a staff member's subtree, earliest deadline first. */
export async function listQueue({
  ctx,
  input,
}: {
  ctx: CsCtx;
  input: { state?: RequestState; limit?: number };
}): Promise<RequestRow[]> {
  const userId = staffOf(ctx);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const paths = await staffPaths(tx, userId);
    if (paths.length === 0) return [];
    const rows = await tx
      .select({ r: csRequests })
      .from(csRequests)
      .innerJoin(csCentres, eq(csCentres.id, csRequests.centreId))
      .where(
        and(
          or(...paths.map((p) => like(csCentres.path, `${p}%`))),
          input.state ? eq(csRequests.state, input.state) : undefined,
        ),
      )
      .orderBy(asc(csRequests.dueAt), asc(csRequests.id))
      .limit(Math.min(input.limit ?? 100, 500));
    return rows.map((x) => x.r);
  });
}

const advanceInput = z.object({
  requestId: z.coerce.number().int().positive(),
  to: z.enum(requestStates),
  note: z.string().trim().min(1).max(2000),
  /** On dispatch: a centre inside the actor's subtree that takes the request over. */
  centreId: z.string().optional(),
});

export async function advanceRequest({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(advanceInput, input);
  const userId = staffOf(ctx);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const r = await requestInScope(tx, userId, i.requestId);
    if (NEXT[r.state] !== i.to && !(i.to === "closed" && r.state !== "closed")) {
      throw new ConflictError(`A ${r.state} request cannot become ${i.to}`);
    }
    let centreId = r.centreId;
    if (i.centreId && i.to === "dispatched") {
      const target = (await allCentres(tx)).find((c) => c.id === i.centreId);
      if (!target || !inPaths(await staffPaths(tx, userId), target.path)) {
        throw new ValidationError("The target centre is outside your centres", [
          { path: "centreId", message: "not in your subtree" },
        ]);
      }
      centreId = target.id;
    }
    const now = nowOf(ctx);
    await tx
      .update(csRequests)
      .set({ state: i.to, centreId, updatedAt: now })
      .where(eq(csRequests.id, r.id));
    await addUpdate(tx, {
      requestId: r.id,
      state: i.to,
      note: i.note,
      centreId,
      actorId: userId,
      at: now,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.request.advance",
      objectType: "cs_request",
      objectId: String(r.id),
      data: { from: r.state, to: i.to, centreId },
    });
  });
}

const rateInput = z.object({
  token: z.string().min(1).max(64),
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
});

/**
 * The resident's rating (on the web with the request's token, or given on a staff call-back):
 * closes a replied request. Rating an unanswered request is refused.
 */
export async function rateRequest({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(rateInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [r] = await tx
      .select()
      .from(csRequests)
      .where(eq(csRequests.token, i.token))
      .for("update");
    if (!r) throw new NotFoundError("No such request");
    if (r.state !== "replied" || r.rating !== null) {
      throw new ConflictError("Only an answered, unrated request can be rated");
    }
    const now = nowOf(ctx);
    const callBack = ctx.actor?.role === "staff";
    await tx
      .update(csRequests)
      .set({
        rating: i.rating,
        ratingComment: i.comment ?? null,
        state: "closed",
        updatedAt: now,
        ...(callBack ? { calledBackAt: now } : {}),
      })
      .where(eq(csRequests.id, r.id));
    await addUpdate(tx, {
      requestId: r.id,
      state: "closed",
      message: {
        key: callBack ? "history.callBack" : "history.rated",
        params: { rating: i.rating },
      },
      centreId: r.centreId,
      actorId: ctx.actor?.id ?? null,
      at: now,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.request.rate",
      objectType: "cs_request",
      objectId: String(r.id),
      data: { rating: i.rating, callBack },
    });
  });
}

/** Closes a duplicate into the request it repeats; both must be in the actor's subtree. */
export async function mergeDuplicate({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(
    z.object({ requestId: z.coerce.number().int(), intoId: z.coerce.number().int() }),
    input,
  );
  if (i.requestId === i.intoId) throw new ValidationError("A request cannot duplicate itself");
  const userId = staffOf(ctx);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const dup = await requestInScope(tx, userId, i.requestId);
    const into = await requestInScope(tx, userId, i.intoId);
    if (dup.state === "closed" || into.mergedInto !== null) {
      throw new ConflictError("Only an open request merges into a request that was not merged");
    }
    const now = nowOf(ctx);
    await tx
      .update(csRequests)
      .set({ state: "closed", mergedInto: into.id, updatedAt: now })
      .where(and(eq(csRequests.id, dup.id), isNull(csRequests.mergedInto)));
    await addUpdate(tx, {
      requestId: dup.id,
      state: "closed",
      message: { key: "history.duplicate", params: { into: into.id } },
      centreId: dup.centreId,
      actorId: userId,
      at: now,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.request.merge",
      objectType: "cs_request",
      objectId: String(dup.id),
      data: { into: into.id },
    });
  });
}
