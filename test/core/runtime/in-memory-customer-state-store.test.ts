import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { customerStateStoreContract } from '../../contracts/customer-state-store.contract.ts';

customerStateStoreContract('in memory', () => new InMemoryCustomerStateStore());
customerStateStoreContract(
  'in memory, kept as text (the simulator)',
  () => new InMemoryCustomerStateStore({ keep: 'text' }),
);
