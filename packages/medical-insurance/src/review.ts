import { ConflictError, NotFoundError } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { audit, type MiCtx, parseInput } from "./context.ts";
import { miReviews, miSettlements } from "./schema.ts";

/** Coded rejection reasons (审核拒付原因). */
export const rejectionReasons = {
  R01: "超适应症用药",
  R02: "重复收费",
  R03: "分解住院",
  R04: "超标准收费",
  R05: "无指征检查",
  R06: "目录类别错误",
  R99: "其他",
} as const;
export type RejectionReason = keyof typeof rejectionReasons;

export const decisionInput = z
  .object({
    decision: z.enum(["approved", "rejected"]),
    reasonCode: z
      .enum(Object.keys(rejectionReasons) as [RejectionReason, ...RejectionReason[]])
      .optional(),
    note: z.string().max(1000).optional(),
  })
  .refine((d) => d.decision === "approved" || d.reasonCode !== undefined, {
    path: ["reasonCode"],
    message: "a rejection needs a reason code",
  });
export type DecisionInput = z.input<typeof decisionInput>;

/** The review queue: sampled settlements, oldest first. */
export function listReviews(ctx: MiCtx, status: "pending" | "approved" | "rejected" = "pending") {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select({
        settlementId: miReviews.settlementId,
        rule: miReviews.rule,
        status: miReviews.status,
        reasonCode: miReviews.reasonCode,
        note: miReviews.note,
        reviewerId: miReviews.reviewerId,
        createdAt: miReviews.createdAt,
        decidedAt: miReviews.decidedAt,
        institutionCode: miSettlements.institutionCode,
        medfeeSumamt: miSettlements.medfeeSumamt,
        fundPaySumamt: miSettlements.fundPaySumamt,
      })
      .from(miReviews)
      .innerJoin(miSettlements, eq(miSettlements.id, miReviews.settlementId))
      .where(eq(miReviews.status, status))
      .orderBy(asc(miReviews.createdAt), asc(miReviews.settlementId))
      .limit(500),
  );
}

/** A reviewer's decision on a pending sample; a decided one is not decided again. */
export async function decideReview(ctx: MiCtx, settlementId: string, input: DecisionInput) {
  const v = parseInput(decisionInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [row] = await tx
      .update(miReviews)
      .set({
        status: v.decision,
        reasonCode: v.decision === "rejected" ? (v.reasonCode ?? null) : null,
        note: v.note ?? null,
        reviewerId: ctx.actorId ?? null,
        decidedAt: new Date(),
      })
      .where(and(eq(miReviews.settlementId, settlementId), eq(miReviews.status, "pending")))
      .returning();
    if (!row) {
      const [exists] = await tx
        .select({ s: miReviews.status })
        .from(miReviews)
        .where(eq(miReviews.settlementId, settlementId));
      if (!exists) throw new NotFoundError(`Settlement "${settlementId}" is not under review`);
      throw new ConflictError(`This review is already ${exists.s}`);
    }
    await audit(tx, ctx, "mi.review.decide", "mi_settlement", settlementId, {
      decision: v.decision,
      reasonCode: row.reasonCode,
    });
    return row;
  });
}
