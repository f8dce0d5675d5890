import { ValidationError } from "@zhengyun/core";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

export interface NationalIdInfo {
  /** Upper-cased, as stored. */
  id: string;
  sex: "M" | "F";
  /** ISO date `YYYY-MM-DD`. */
  birthDate: string;
}

/** GB 11643 check character of the first 17 digits. */
export function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? "";
}

/** Parses an 18-character resident ID (GB 11643): check digit, real birth date, sex from digit 17. */
export function parseNationalId(raw: string, path = "nationalId"): NationalIdInfo {
  const id = raw.trim().toUpperCase();
  const fail = (message: string): never => {
    throw new ValidationError(`Invalid national ID: ${message}`, [{ path, message }]);
  };
  if (!/^\d{17}[\dX]$/.test(id)) fail("must be 17 digits and a digit or X");
  if (checkChar(id.slice(0, 17)) !== id[17]) fail("check digit does not match (GB 11643)");
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    fail("no such birth date");
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  return { id, sex: Number(id[16]) % 2 === 1 ? "M" : "F", birthDate };
}

/** `110101********1234`: region kept, birth date and sequence hidden. */
export const maskNationalId = (id: string): string => `${id.slice(0, 6)}********${id.slice(14)}`;

/** Builds a valid ID from region, birth date (YYYYMMDD) and a 3-digit sequence (demo, tests). */
export function makeNationalId(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, "0")}`;
  return first17 + checkChar(first17);
}
