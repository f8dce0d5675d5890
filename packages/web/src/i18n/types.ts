import type { zhCN } from "./zh-CN.ts";

export type MessageKey = keyof typeof zhCN;
/** A catalog: exactly the zh-CN keys, each a string (placeholders as `{name}`). */
export type Messages = { readonly [K in MessageKey]: string };
