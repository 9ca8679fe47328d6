// The AWS_CLOUDWATCH project's config: the shared alert-source keys plus how SNS is trusted
// (`trustedSnsHosts`: where certificates and subscription URLs may come from; `verifySignature`:
// check each envelope's signature, default true) and what INSUFFICIENT_DATA means
// (`insufficientData`: ignore, firing or resolved; default ignore).

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { insufficientDataModes } from './alarms.ts';
import { defaultTrustedSnsHosts, isHostPattern } from './sns-hosts.ts';

const hostPattern = z
  .string({ error: expected('a host pattern') })
  .trim()
  .refine(isHostPattern, {
    error: 'must be a host such as sns.*.amazonaws.com, optionally with :port or an http:// prefix',
  });

/** The config schema of AWS_CLOUDWATCH projects. */
export const cloudWatchConfigSchema = alertSourceConfigSchema({
  trustedSnsHosts: z
    .array(hostPattern, { error: expected('a list of host patterns') })
    .min(1, { error: 'must name at least one host' })
    .max(20, { error: 'must hold at most 20 hosts' })
    .default([...defaultTrustedSnsHosts]),
  verifySignature: z.boolean({ error: expected('true or false') }).default(true),
  insufficientData: z.enum(insufficientDataModes, { error: expected('ignore, firing or resolved') }).default('ignore'),
});

export type CloudWatchConfig = z.output<typeof cloudWatchConfigSchema>;
