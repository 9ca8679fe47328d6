// Each project's queue and dead letters as the metrics scrape reads them, in one query.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ProjectFigures } from '#infra/project-metrics.ts';

/** Every project with its pending and dead push jobs. */
export async function readProjectFigures(orm: MikroORM): Promise<ProjectFigures[]> {
  type Row = { id: string; name: string; kind: string; status: string; pending: string; dead: string };
  const rows = await orm.em.getConnection().execute<Row[]>(
    `select p.id, p.name, p.kind, p.status,
            count(j.id) filter (where j.status = 'pending') as pending,
            count(j.id) filter (where j.status = 'dead') as dead
       from external_projects p
       left join push_jobs j on j.project_id = p.id and j.status in ('pending', 'dead')
      group by p.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind.toUpperCase(),
    status: row.status.toUpperCase(),
    pending: Number(row.pending),
    dead: Number(row.dead),
  }));
}
