// First: module packages build zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import type { AppDeps } from "@zhengyun/api";
import { createIdentity, identityModule } from "@zhengyun/api/auth";
import { createNodeApp } from "@zhengyun/api/node-app";
import { assignStaff, type CsCtx } from "@zhengyun/community";
import { type Clock, loadConfig } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { seedServices, seedTree, type Tree } from "../community/fixtures.ts";
import type { Tenant } from "../harness/index.ts";
import { type People, type SignedIn, signedIn } from "../http-admin/helpers.ts";

/** A tenant with the fixture tree and catalogue, and its people. */
export interface Town {
  tenant: Tenant;
  tree: Tree;
  /** Community agents: of street 0, of street 1, of the city. */
  street0: SignedIn;
  street1: SignedIn;
  city: SignedIn;
  admin: SignedIn;
  resident: SignedIn;
  neighbour: SignedIn;
}

export async function town(db: Database, people: People, tenant: Tenant): Promise<Town> {
  const ctx: CsCtx = { db, tenant, clock: people.clock };
  const tree = await seedTree(ctx);
  await seedServices(ctx);
  const agent = async (centreId: string | undefined) => {
    const who = await signedIn(people, "community_agent", tenant.id);
    await assignStaff({ ctx, input: { userId: who.id, centreId } });
    return who;
  };
  return {
    tenant,
    tree,
    street0: await agent(tree.streets[0]?.id),
    street1: await agent(tree.streets[1]?.id),
    city: await agent(tree.city.id),
    admin: await signedIn(people, "tenant_admin", tenant.id),
    resident: await signedIn(people, "citizen", tenant.id),
    neighbour: await signedIn(people, "citizen", tenant.id),
  };
}

/** Inside community 0 of district 0 (street 0). */
export const HOME = { lat: 39.89, long: 116.3 };

/** The Node app with real identity and an object store (for the resident's media uploads). */
export function appWithStore(db: Database, clock: Clock, storage: NonNullable<AppDeps["storage"]>) {
  const config = loadConfig({ NODE_ENV: "test" });
  const identity = createIdentity({ config, clock });
  const deps: AppDeps = {
    config,
    db,
    logger: { info() {}, warn() {}, error() {} },
    isReady: () => true,
    authenticator: identity.authenticator,
    clock,
    storage,
  };
  return createNodeApp(deps, [identityModule(identity)]);
}
