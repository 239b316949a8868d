/**
 * The bus a function publishes on, from the variable CDK sets. Apart from event-publisher.ts (and
 * its SDK client), so a function that loads the publisher lazily still checks the variable when
 * its ports are wired.
 */

/** Environment variable CDK sets to the bus name on the functions that may publish. */
export const EVENT_BUS_ENV = 'PARAMEDIC_EVENT_BUS';

/** The bus name, or an error that says how to get it. */
export function eventBusNameFrom(env: NodeJS.ProcessEnv): string {
  const bus = env[EVENT_BUS_ENV];
  if (!bus)
    throw new Error(
      `environment variable ${EVENT_BUS_ENV} is not set; redeploy the pipeline stack (cdk deploy) so the function gets the bus name`,
    );
  return bus;
}
