// Every test file's process may call the simulators on loopback, as LOCKSTEP_ALLOW_PRIVATE_TARGETS
// allows in production; a test of the refusal starts Lockstep with the variable set to false.
import { allowPrivateTargets } from '#adapters/shared/outbound-targets.ts';

allowPrivateTargets(true);
