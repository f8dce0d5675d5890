import { checkChar, maskNationalId, parseNationalId } from "@zhengyun/medical-insurance";
import { describe, expect, it } from "vitest";

describe("national ID (GB 11643)", () => {
  it("accepts the standard's example and derives sex and birth date", () => {
    // GB 11643-1999 appendix example.
    expect(parseNationalId("11010519491231002X")).toEqual({
      id: "11010519491231002X",
      sex: "F",
      birthDate: "1949-12-31",
    });
    expect(parseNationalId("110101198001010010").sex).toBe("M");
    expect(checkChar("11010519491231002")).toBe("X");
  });

  it("refuses a wrong check digit, a bad length and a birth date that does not exist", () => {
    expect(() => parseNationalId("110105194912310021")).toThrow(/check digit/);
    expect(() => parseNationalId("1101051949123100")).toThrow(/17 digits/);
    const feb30 = `11010519490230001`;
    expect(() => parseNationalId(feb30 + checkChar(feb30))).toThrow(/birth date/);
  });

  it("masks the birth date and sequence", () => {
    expect(maskNationalId("110101198001011234")).toBe("110101********1234");
  });
});
