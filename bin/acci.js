#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx: no build step between clone and start.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/platform/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
