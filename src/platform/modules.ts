import type { AcciModule } from '../framework/module.ts';
import { accessModule } from '../modules/access/index.ts';
import { createIdentityModules } from '../modules/users/index.ts';
import { authModuleFromEnvironment } from '../modules/auth/index.ts';

/** The modules this server runs, in registration order (access first: it guards every route). */
export const modules: readonly AcciModule[] = [accessModule, ...createIdentityModules(), authModuleFromEnvironment()];
