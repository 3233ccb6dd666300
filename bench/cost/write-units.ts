/**
 * Write units of one stream record, for the table and for each index of
 * `TABLE.indexes` (keys and projections come from the table definition, so a
 * change to the layout changes the figures without touching this file).
 *
 * - Table: ceil(max(old, new item size) / 1 KB), at least 1; doubled when the
 *   write was part of a TransactWriteItems (the caller says so).
 * - Index: written when the record gains, loses or changes the index's key
 *   (a key change is a delete + a put: 2 writes), or changes a projected
 *   attribute while keyed. Each write is ceil(projected size / 1 KB), where the
 *   projected item is the index keys + the table keys + the projected attributes.
 *   Transactions do not double index writes.
 */
import { TABLE } from '../../shared/topology/table.js';
import { itemSize, sameValue, type Item } from './item-size.js';

const KB = 1024;

export interface IndexWrite {
  readonly index: string;
  readonly units: number;
  /** The index partitions written and their units, for the hottest-key figure. */
  readonly partitions: readonly { readonly key: string; readonly units: number }[];
}

export function tableUnits(oldImage: Item | undefined, newImage: Item | undefined, transactional: boolean): number {
  const size = Math.max(itemSize(oldImage), itemSize(newImage));
  return Math.max(1, Math.ceil(size / KB)) * (transactional ? 2 : 1);
}

type IndexDef = { readonly partitionKey: string; readonly sortKey: string; readonly projection: readonly string[] };

function projected(index: IndexDef, image: Item): Item {
  const out: Item = {};
  for (const name of [TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey, ...index.projection]) {
    const v = image[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const units = (item: Item): number => Math.max(1, Math.ceil(itemSize(item) / KB));
const keyed = (index: IndexDef, image: Item | undefined): image is Item =>
  image !== undefined && image[index.partitionKey] !== undefined && image[index.sortKey] !== undefined;
const str = (image: Item, name: string): string => String(image[name]?.S ?? JSON.stringify(image[name]));

export function indexWrites(oldImage: Item | undefined, newImage: Item | undefined): IndexWrite[] {
  const writes: IndexWrite[] = [];
  for (const [name, index] of Object.entries(TABLE.indexes) as [string, IndexDef][]) {
    const had = keyed(index, oldImage);
    const has = keyed(index, newImage);
    if (!had && !has) continue;
    if (had && !has) {
      const u = units(projected(index, oldImage));
      writes.push({ index: name, units: u, partitions: [{ key: str(oldImage, index.partitionKey), units: u }] });
    } else if (!had && has) {
      const u = units(projected(index, newImage));
      writes.push({ index: name, units: u, partitions: [{ key: str(newImage, index.partitionKey), units: u }] });
    } else if (had && has) {
      const keyChanged = !sameValue(oldImage[index.partitionKey], newImage[index.partitionKey]) || !sameValue(oldImage[index.sortKey], newImage[index.sortKey]);
      if (keyChanged) {
        const [out, into] = [units(projected(index, oldImage)), units(projected(index, newImage))];
        writes.push({
          index: name,
          units: out + into,
          partitions: [{ key: str(oldImage, index.partitionKey), units: out }, { key: str(newImage, index.partitionKey), units: into }],
        });
      } else if (index.projection.some((a) => !sameValue(oldImage[a], newImage[a]))) {
        const u = Math.max(units(projected(index, oldImage)), units(projected(index, newImage)));
        writes.push({ index: name, units: u, partitions: [{ key: str(newImage, index.partitionKey), units: u }] });
      }
    }
  }
  return writes;
}
