import { contractTable } from '../helpers/contract-table.js';
import { DynamoDbTaskQueries } from '../../shared/adapters/dynamodb/dynamodb-task-queries.js';
import { DynamoDbTaskRecords } from '../../shared/adapters/dynamodb/dynamodb-task-records.js';
import { MemoryTaskTable } from '../../shared/adapters/memory/memory-task-table.js';
import { taskStoreContract } from './task-store.contract.js';

taskStoreContract('memory', async () => {
  const table = new MemoryTaskTable();
  return { records: table, queries: table };
});

taskStoreContract('DynamoDB', async () => {
  const { db, tableName } = await contractTable();
  return { records: new DynamoDbTaskRecords(db, tableName), queries: new DynamoDbTaskQueries(db, tableName) };
});
