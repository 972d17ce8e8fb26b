import { createMemoryStore } from '../../src/store/memory.ts';
import { describeStoreContract } from './contract.ts';

describeStoreContract('memory', {
  persistent: false,
  async makeHarness() {
    return { open: async () => createMemoryStore(), cleanup: async () => undefined };
  },
});
