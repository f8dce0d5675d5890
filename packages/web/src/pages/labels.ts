import type { Translate } from "../i18n/index.ts";

type Level = "city" | "district" | "street";
type Status = "active" | "suspended" | "provisioning" | "offboarded";

export const levelLabel = (t: Translate, l: Level) => t(`level.${l}`);
export const statusLabel = (t: Translate, s: Status) => t(`status.${s}`);
