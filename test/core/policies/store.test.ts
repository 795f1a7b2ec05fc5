import { InMemoryPolicyStore } from '../../../functions/core/policies/store.ts';
import { policyStoreContract } from '../../contracts/policy-store.contract.ts';

policyStoreContract('in memory', () => new InMemoryPolicyStore());
