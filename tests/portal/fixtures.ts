import type { ItemInput } from "@zhengyun/portal";

/** A promised item (承诺件) applied for online, with one required and one optional material. */
export const licence = (over: Partial<ItemInput> = {}): ItemInput => ({
  code: "000172001.01",
  name: "食品经营许可",
  type: "licensing",
  implementingBody: "测试区市场监督管理局",
  department: "行政审批科",
  legalBasis: "《中华人民共和国食品安全法》第三十五条",
  conditions: "有与经营的食品品种、数量相适应的经营场所",
  materials: [
    { name: "营业执照", form: "copy", copies: 1, required: true },
    { name: "场所平面图", form: "original", copies: 1, required: false },
  ],
  steps: ["申请", "受理", "审查", "决定", "送达"],
  immediate: false,
  legalDays: 20,
  promisedDays: 10,
  feeFen: 0,
  visits: 0,
  online: true,
  contact: "010-12345678",
  complaints: "12345",
  fields: [{ name: "shopName", label: "店名", required: true }],
  ...over,
});
