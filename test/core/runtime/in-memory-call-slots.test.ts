import { InMemoryCallSlots } from '../../../functions/core/runtime/in-memory-call-slots.ts';
import { callSlotsContract } from '../../contracts/call-slots.contract.ts';

callSlotsContract('in memory', () => new InMemoryCallSlots());
