import type { AcciModule } from '../framework/module.ts';
import { accessModule } from '../modules/access/index.ts';

/** The modules this server runs, in registration order. */
export const modules: readonly AcciModule[] = [accessModule];
