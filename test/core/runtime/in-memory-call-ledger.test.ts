import { InMemoryCallLedger } from '../../../functions/core/runtime/in-memory-call-ledger.ts';
import { callLedgerContract } from '../../contracts/call-ledger.contract.ts';

callLedgerContract('in memory', () => new InMemoryCallLedger());
