// `ExternalProject.activity`: the project's traffic per minute (deliveries in, pushes out), for
// dashboards such as the console's chart.
import { MAX_ACTIVITY_MINUTES, type ActivityBucket } from '#infra/services/project-activity.ts';
import { BadInputError } from '#infra/services/errors.ts';
import { builder } from './builder.ts';
import { ExternalProjectRef } from './projects.ts';

const ActivityBucketRef = builder.objectRef<ActivityBucket>('ActivityBucket').implement({
  description: 'One minute of a project’s traffic.',
  fields: (t) => ({
    minute: t.expose('minute', { type: 'DateTime', description: 'The start of the minute.' }),
    inbound: t.exposeInt('inbound', { description: 'Deliveries from the project accepted in that minute.' }),
    outbound: t.exposeInt('outbound', { description: 'Pushes delivered to the project in that minute.' }),
  }),
});

builder.objectField(ExternalProjectRef, 'activity', (t) =>
  t.field({
    type: [ActivityBucketRef],
    description: `Changes in and out per minute over the last \`minutes\` (at most ${MAX_ACTIVITY_MINUTES}), oldest first.`,
    args: { minutes: t.arg.int({ defaultValue: 60 }) },
    // One grouped query whatever the window: its rows cost nothing more.
    complexity: { field: 2, multiplier: 1 },
    resolve: (project, { minutes }, { services }) => {
      const span = minutes ?? 60;
      if (span < 1 || span > MAX_ACTIVITY_MINUTES) throw new BadInputError(`activity: minutes must be between 1 and ${MAX_ACTIVITY_MINUTES}`);
      return services.activity.recent(project.id, span);
    },
  }),
);
