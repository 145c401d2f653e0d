/**
 * The product catalog every subgraph seeds from. Prices are integer cents so that an order's total and
 * its payment's amount are computed exactly the same way (no float drift between subgraphs).
 */
export interface Product {
  readonly sku: string;
  readonly name: string;
  /** Unit price in cents (USD). */
  readonly unitPriceCents: number;
}

const PRODUCTS: ReadonlyArray<readonly [name: string, unitPriceCents: number]> = [
  ['Espresso Beans 1kg', 2499],
  ['Pour-Over Kettle', 5900],
  ['Ceramic Mug', 1450],
  ['Burr Grinder', 12900],
  ['Paper Filters (100)', 699],
  ['Milk Frother', 3999],
  ['Travel Tumbler', 2450],
  ['Digital Scale', 3250],
  ['Cold Brew Jar', 2799],
  ['Tea Sampler', 1899],
  ['French Press', 3499],
  ['Moka Pot', 2999],
  ['Cast Iron Skillet', 4599],
  ['Chef Knife', 8900],
  ['Cutting Board', 3100],
  ['Linen Apron', 2200],
  ['Spice Rack', 2650],
  ['Olive Oil 1L', 1799],
  ['Dutch Oven', 15900],
  ['Salad Spinner', 2300],
  ['Measuring Cups', 1299],
  ['Oven Mitts', 999],
  ['Bread Knife', 4200],
  ['Stand Mixer', 32900],
];

/** 24 products with skus `SKU-001` … `SKU-024`. */
export const PRODUCT_CATALOG: readonly Product[] = PRODUCTS.map(([name, unitPriceCents], index) => ({
  sku: `SKU-${String(index + 1).padStart(3, '0')}`,
  name,
  unitPriceCents,
}));

const BY_SKU = new Map(PRODUCT_CATALOG.map((product) => [product.sku, product]));

export function findProduct(sku: string): Product | undefined {
  return BY_SKU.get(sku);
}

/** Cents → currency units, rounded to 2 decimals (e.g. 2499 → 24.99). */
export function centsToAmount(cents: number): number {
  return Math.round(cents) / 100;
}
