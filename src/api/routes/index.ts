import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { breakerRoutes } from './breakers.ts';
import { flagRoutes } from './flags.ts';
import { killSwitchRoutes } from './killSwitch.ts';
import { moduleRoutes } from './modules.ts';
import { systemRoutes } from './system.ts';
import { tradingRoutes } from './trading.ts';

/** Every route group, one file each; add a group here and nowhere else. */
export const ROUTES: ((ctx: ApiContext) => FastifyPluginAsync)[] = [
  systemRoutes,
  killSwitchRoutes,
  flagRoutes,
  moduleRoutes,
  breakerRoutes,
  tradingRoutes,
];
