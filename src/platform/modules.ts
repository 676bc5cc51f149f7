import type { AcciModule } from '../framework/module.ts';
import { createIdentityModules } from '../modules/users/index.ts';
import { authModuleFromEnvironment } from '../modules/auth/index.ts';

/** The modules this server runs, in registration order. */
export const modules: readonly AcciModule[] = [...createIdentityModules(), authModuleFromEnvironment()];
