import { InMemoryJourneyRegistry } from '../../../functions/core/runtime/in-memory-journey-registry.ts';
import { journeyRegistryContract } from '../../contracts/journey-registry.contract.ts';

journeyRegistryContract('in memory', () => new InMemoryJourneyRegistry());
