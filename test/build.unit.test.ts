import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteSpecifiers } from './support/build.ts';

test('the test build rewrites relative .ts specifiers of imports and exports, nothing else', () => {
  const code = [
    'import { a } from "./a.ts";',
    'export * from "../b/index.ts";',
    'import "./side-effect.ts";',
    'const m = await import("../../c.ts");',
    'export { d } from "./d.js";',
    'import pg from "pg";',
    'const file = "./not-an-import.ts";',
    'import x from "some-package/file.ts";',
  ].join('\n');
  assert.equal(rewriteSpecifiers(code), [
    'import { a } from "./a.js";',
    'export * from "../b/index.js";',
    'import "./side-effect.js";',
    'const m = await import("../../c.js");',
    'export { d } from "./d.js";',
    'import pg from "pg";',
    'const file = "./not-an-import.ts";',
    'import x from "some-package/file.ts";',
  ].join('\n'));
});
