import { contractTable } from '../helpers/contract-table.js';
import { DynamoDbJobStore } from '../../shared/adapters/dynamodb/dynamodb-job-store.js';
import { MemoryJobStore } from '../../shared/adapters/memory/memory-job-store.js';
import { jobStoreContract } from './job-store.contract.js';

jobStoreContract('memory', async () => new MemoryJobStore());

jobStoreContract('DynamoDB', async () => {
  const { db, tableName } = await contractTable();
  return new DynamoDbJobStore(db, tableName);
});
