import { assertSlug } from "@zhengyun/core";

/** Slugs use hyphens; identifiers use underscores. Slugs have no underscores, so this is 1:1. */
export const schemaNameFor = (slug: string): string => `t_${assertSlug(slug).replaceAll("-", "_")}`;
export const roleNameFor = (rolePrefix: string, slug: string): string =>
  `${rolePrefix}${schemaNameFor(slug)}`;
