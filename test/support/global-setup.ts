// Finds the PostgreSQL and NATS the suites run against: the ones named by DATABASE_URL and
// NATS_URL (this machine and CI), or, only when those are not set, containers started through
// testcontainers (a developer machine with Docker).
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    natsUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<unknown>> = [];
  let databaseUrl = process.env['DATABASE_URL'];
  let natsUrl = process.env['NATS_URL'];
  if (!databaseUrl) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    stops.push(() => container.stop());
    databaseUrl = container.getConnectionUri();
  }
  if (!natsUrl) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('nats:2.11')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    stops.push(() => container.stop());
    natsUrl = `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('natsUrl', natsUrl);
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
