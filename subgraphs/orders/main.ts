import { runSubgraph } from '../run';

void runSubgraph('orders', process.env);
