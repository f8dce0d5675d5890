import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import { getPublicProfile } from "../../services/public-profile.ts";

export const tenantParams = z.object({
  tenant: z.string().openapi({ param: { name: "tenant", in: "path" }, example: "dongcheng" }),
});

export const profileSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    level: z.enum(["city", "district", "street"]),
    publicProfile: z.unknown().openapi({ description: "The tenant's `public_profile` setting" }),
  })
  .openapi("TenantProfile");
export type ProfileResponse = z.infer<typeof profileSchema>;

export const profileRoute = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/profile",
  permission: "public",
  tags: ["tenant"],
  summary: "A tenant's public profile",
  request: { params: tenantParams },
  responses: {
    200: { description: "profile", content: { "application/json": { schema: profileSchema } } },
  },
});

export function registerTenantProfile(app: App): void {
  app.openapi(profileRoute, async (c) => {
    const tenant = c.var.tenant;
    if (!tenant) throw new Error("tenant middleware did not run");
    const profile = await getPublicProfile(c.var.deps.db, tenant);
    return c.json(profileSchema.parse(profile), 200);
  });
}
