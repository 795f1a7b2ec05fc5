import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { policyStoreContract } from '../../contracts/policy-store.contract.ts';

policyStoreContract('in memory', () => new InMemoryPolicyStore());
