import {
  type CentreRow,
  type CsCtx,
  createCentre,
  type ServiceInput,
  saveService,
} from "@zhengyun/community";

/*
 * A small tree: city → 2 districts → street each → 2 communities each, with nested circular areas
 * around points 0.1° apart, so a point picks exactly one community.
 */
export interface Tree {
  city: CentreRow;
  districts: CentreRow[];
  streets: CentreRow[];
  communities: CentreRow[];
}

const circle = (lat: number, long: number, meters: number) => ({
  type: "radius" as const,
  lat,
  long,
  meters,
});

export async function seedTree(ctx: CsCtx): Promise<Tree> {
  const city = await createCentre({
    ctx,
    input: { level: "city", name: "市社区服务中心", area: circle(39.9, 116.4, 60_000) },
  });
  const tree: Tree = { city, districts: [], streets: [], communities: [] };
  for (const [d, dLong] of [116.3, 116.5].entries()) {
    const district = await createCentre({
      ctx,
      input: {
        parentId: city.id,
        level: "district",
        name: `第${d + 1}区`,
        area: circle(39.9, dLong, 8_000),
      },
    });
    tree.districts.push(district);
    const street = await createCentre({
      ctx,
      input: {
        parentId: district.id,
        level: "street",
        name: `第${d + 1}区街道`,
        area: circle(39.9, dLong, 5_000),
      },
    });
    tree.streets.push(street);
    for (const [k, cLat] of [39.89, 39.91].entries()) {
      tree.communities.push(
        await createCentre({
          ctx,
          input: {
            parentId: street.id,
            level: "community",
            name: `第${d + 1}区第${k + 1}社区`,
            address: "示例路1号",
            openingHours: "Mon–Fri 09:00–17:00",
            contact: "010-12345678",
            area: circle(cLat, dLong, 600),
          },
        }),
      );
    }
  }
  return tree;
}

export const pothole: ServiceInput = {
  code: "ROAD01",
  group: "street",
  nameZh: "道路坑洼",
  nameEn: "Pothole",
  description: "Holes in the road surface",
  keywords: "road, pothole",
  level: "community",
  slaUnit: "hours",
  slaAmount: 24,
  attributes: [
    {
      code: "SIZE",
      datatype: "singlevaluelist",
      required: true,
      order: 1,
      description: "How big is it?",
      values: [
        { key: "S", name: "Small" },
        { key: "L", name: "Large" },
      ],
    },
    {
      code: "HAZARDS",
      datatype: "multivaluelist",
      required: false,
      order: 2,
      description: "Hazards",
      values: [
        { key: "water", name: "Water" },
        { key: "traffic", name: "Traffic" },
      ],
    },
    { code: "WHEN", datatype: "datetime", required: false, order: 3, description: "Seen at" },
  ],
};

export const permit: ServiceInput = {
  code: "PERMIT",
  group: "services",
  nameZh: "证明开具",
  nameEn: "Certificate",
  level: "street",
  slaUnit: "days",
  slaAmount: 3,
};

export async function seedServices(ctx: CsCtx): Promise<void> {
  await saveService({ ctx, input: pothole });
  await saveService({ ctx, input: permit });
}
