/** Paged lists: pure. */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  pages: number;
}

/** Rows to skip and take for a page request (missing values get the defaults; sizes are clamped). */
export function pageWindow(request: Partial<PageRequest>): PageRequest & { skip: number; take: number } {
  const page = Math.max(1, Math.floor(request.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(request.pageSize ?? DEFAULT_PAGE_SIZE)));
  return { page, pageSize, skip: (page - 1) * pageSize, take: pageSize };
}

export function toPage<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return { items, page: request.page, pageSize: request.pageSize, total, pages: Math.ceil(total / request.pageSize) };
}
