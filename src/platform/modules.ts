import type { AcciModule } from '../framework/module.ts';

/** The modules this server runs, in registration order. */
export const modules: readonly AcciModule[] = [];
