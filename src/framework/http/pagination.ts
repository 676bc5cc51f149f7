import { Type } from 'typebox';

/**
 * Bounds of every paged list (SPEC §4): a page beyond them is a 400 `validation.out_of_range`,
 * never an OFFSET PostgreSQL cannot parse (`1e+22` is not a bigint). With both bounds,
 * `(page - 1) * pageSize` stays below 10^8, far inside Number.MAX_SAFE_INTEGER.
 */
export const MAX_PAGE = 1_000_000;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * The query parameters shared by list endpoints; spread into a module's query schema.
 *
 * @example
 *   const ListNotesQuery = Type.Object({ ...PageQuery, sortBy: Type.Optional(Type.Literal('title')) });
 */
export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
  sortOrder: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
};
